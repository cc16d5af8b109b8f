/**
 * Hovers: host names, IP literals, Postfix parameters and the NixOS options the rules read.
 * DNS data comes from the non-blocking view (zones, cache, this session's live answers): a
 * hover never waits on the network; what is still unknown says it is being resolved.
 */
import { relative } from 'node:path';
import type { Hover } from 'vscode-languageserver/node';
import { ipText, networkBits } from '../../core/ip-literal';
import type { SourceFile } from '../../core/source';
import { lineIndexOf } from '../../core/source';
import { comparePositions, type Location, type Position, type Range } from '../../core/text';
import type { DnsAnswer, DnsView, RRType } from '../../dns/types';
import { parseIp } from '../../dns/names';
import type { Host, InfraModel, PostfixInstance, PostfixParam } from '../../model/types';
import { builtinDefault, isKnownParameter } from '../../postfix/catalog';
import { answerLines, reverseLines } from './dns-render';
import { codeBlock, escapeMarkdown, heading } from './markdown';
import { POSTFIX_MEANING } from './postfix-meaning';
import { textTargetAt } from './targets';

export interface HoverContext {
  readonly model: InfraModel;
  readonly dns: DnsView;
  readonly root: string;
  readonly now: number;
  /** Live lookups are on: "unknown" means "being resolved". */
  readonly live: boolean;
}

function contains(at: Location, path: string, pos: Position): boolean {
  return at.file === path && comparePositions(at.range.start, pos) <= 0 && comparePositions(pos, at.range.end) <= 0;
}

function where(at: Location, root: string): string {
  return `${relative(root, at.file) || at.file}:${at.range.start.line + 1}`;
}

function hostsClaiming(model: InfraModel, address: string): Host[] {
  return model.hosts.filter((h) => h.network.addresses.some((a) => a.address === address));
}

async function hostNameSection(name: string, ctx: HoverContext, title: string): Promise<string[]> {
  const types: RRType[] = ['CNAME', 'A', 'AAAA', 'MX', 'TXT'];
  const answers = await Promise.all(types.map((t) => ctx.dns.query(name, t)));
  const byType = new Map<RRType, DnsAnswer>(types.map((t, i) => [t, answers[i]]));
  const lines: string[] = [];
  for (const t of types) {
    const a = byType.get(t)!;
    if (t === 'CNAME' && a.status !== 'records') continue; // the chain shows in A/AAAA
    if (t === 'TXT' && a.status === 'records') {
      const spf = a.records.filter((r) => r.type === 'TXT' && r.data.join('').toLowerCase().startsWith('v=spf1'));
      lines.push(...answerLines({ ...a, records: spf }, ctx.root, ctx.now, ctx.live).map((l) => l.replace(/^(; .*) TXT: no records of this type$/, '$1 SPF: none')));
      continue;
    }
    lines.push(...answerLines(a, ctx.root, ctx.now, ctx.live));
  }
  const addresses: string[] = [];
  for (const t of ['A', 'AAAA'] as const) {
    const a = byType.get(t)!;
    if (a.status === 'records') for (const r of a.records) if (r.type === t) addresses.push(r.data);
  }
  const reverse: string[] = [];
  for (const address of addresses) {
    const r = await ctx.dns.reverse(address);
    const claimed = hostsClaiming(ctx.model, address).map((h) => h.name);
    reverse.push(`; ${address}: ${claimed.length ? `configured by host ${claimed.join(', ')}` : 'configured by no host of this repository'}`);
    reverse.push(...reverseLines(r, ctx.root, ctx.now, ctx.live));
  }
  const out = [heading(title), codeBlock(lines.join('\n'), 'dns-zone')];
  if (reverse.length) out.push('Addresses (PTR, who configures them):', codeBlock(reverse.join('\n'), 'dns-zone'));
  return out;
}

function knownNames(model: InfraModel): string[] {
  const names = new Set<string>();
  for (const h of model.hosts) for (const n of h.names) names.add(n.name);
  for (const p of model.postfix) for (const m of p.main) if ((m.name === 'myhostname' || m.name === 'relayhost') && m.value) names.add(m.value.replace(/^\[|\](:\d+)?$/g, '').toLowerCase());
  return [...names].filter((n) => n.includes('.') && !n.includes('$'));
}

async function addressSection(address: string, family: 4 | 6, ctx: HoverContext): Promise<string[]> {
  const lines = reverseLines(await ctx.dns.reverse(address), ctx.root, ctx.now, ctx.live);
  const pointing: string[] = [];
  for (const name of knownNames(ctx.model)) {
    const a = await ctx.dns.query(name, family === 4 ? 'A' : 'AAAA');
    if (a.status === 'records' && a.records.some((r) => (r.type === 'A' || r.type === 'AAAA') && parseIp(r.data)?.text === address)) pointing.push(name);
  }
  const about: string[] = [];
  for (const h of hostsClaiming(ctx.model, address)) {
    for (const c of h.network.addresses.filter((x) => x.address === address)) {
      about.push(`configured by host ${h.name}${c.interface ? ` on ${c.interface}` : ''}${c.prefixLength !== undefined ? ` /${c.prefixLength}` : ''} (${c.source}, ${where(c.at, ctx.root)})`);
    }
  }
  if (!about.length) about.push('configured by no host of this repository');
  if (pointing.length) about.push(`names of this repository that point to it: ${pointing.join(', ')}`);
  if (family === 6) {
    const ip = parseIp(address);
    if (ip?.family === 6) about.push(`its /64: ${ipText(6, networkBits(ip, 64))}/64`);
  }
  return [heading(`${address} (IPv${family})`), codeBlock([...lines, ...about.map((l) => `; ${l}`)].join('\n'), 'dns-zone')];
}

function expand(value: string, lookup: (name: string) => string | undefined, depth = 0): string {
  if (depth > 8) return value;
  return value.replace(/\$(?:\{([a-z0-9_]+)\}|\(([a-z0-9_]+)\)|([a-z0-9_]+))/gi, (whole, a?: string, b?: string, c?: string) => {
    const v = lookup((a ?? b ?? c)!);
    return v === undefined ? whole : expand(v, lookup, depth + 1);
  });
}

function effective(instance: PostfixInstance, name: string): { value?: string; param?: PostfixParam } {
  const param = [...instance.main].reverse().find((p) => p.name === name);
  if (param) return { value: param.value ?? undefined, param };
  const d = builtinDefault(name);
  return d?.kind === 'value' ? { value: d.value } : {};
}

function postfixParamHover(instance: PostfixInstance, param: PostfixParam, ctx: HoverContext): string[] {
  const out = [heading(`${param.name} (Postfix parameter)`)];
  const meaning = POSTFIX_MEANING[param.name];
  if (meaning) out.push(escapeMarkdown(meaning));
  if (!isKnownParameter(param.name)) out.push(escapeMarkdown('Not a built-in Postfix parameter (a user-defined one is fine when referenced as $name).'));
  const d = builtinDefault(param.name);
  const lines: string[] = [];
  if (d) lines.push(`# default: ${d.kind === 'value' ? d.value || '(empty)' : d.reason}`);
  const lookup = (n: string) => effective(instance, n).value;
  const eff = effective(instance, param.name);
  if (eff.value !== undefined) {
    const expanded = expand(eff.value, lookup);
    lines.push(`${param.name} = ${eff.value}`);
    if (expanded !== eff.value) lines.push(`# expanded: ${expanded}`);
  } else if (eff.param) lines.push(`# effective value unknown: ${eff.param.unknownReason ?? 'not evaluable'}`);
  if (eff.param) lines.push(`# set in ${where(eff.param.entryAt, ctx.root)} (${eff.param.source})`);
  out.push(codeBlock(lines.join('\n'), 'ini'));
  if (param.source.startsWith('nix.')) out.push(...nixRendering(param, ctx));
  return out;
}

/** What a NixOS Postfix option becomes in the generated main.cf / master.cf. */
function nixRendering(param: PostfixParam, ctx: HoverContext): string[] {
  const option = param.option ?? (param.source === 'nix.settings.main' ? `services.postfix.settings.main.${param.name}` : param.source === 'nix.config' ? `services.postfix.config.${param.name}` : undefined);
  const target = param.source === 'nix.settings.master' || param.source === 'nix.masterConfig' || param.source === 'nix.extraMasterConf' ? 'master.cf' : 'main.cf';
  const out = [escapeMarkdown(`NixOS ${option ?? param.source} renders to ${target}:`), codeBlock(target === 'main.cf' ? `${param.name} = ${param.value ?? '…'}` : `-o ${param.name}=${param.value ?? '…'}`, 'ini')];
  if (['nix.config', 'nix.extraConfig', 'nix.option', 'nix.masterConfig', 'nix.extraMasterConf'].includes(param.source)) {
    out.push(escapeMarkdown(`Current nixpkgs removed or renamed this option: write services.postfix.settings.main.${param.name} (see ${where(param.entryAt, ctx.root)}).`));
  }
  return out;
}

function interfaceHover(host: Host, name: string): string[] {
  const lines: string[] = [];
  for (const a of host.network.addresses.filter((x) => x.interface === name)) lines.push(`ip address add ${a.address}${a.prefixLength !== undefined ? `/${a.prefixLength}` : ''} dev ${name}`);
  for (const g of host.network.gateways.filter((x) => x.interface === name || x.interface === undefined)) lines.push(`ip -${g.family} route add default via ${g.address}${g.interface ? ` dev ${g.interface}` : ''}`);
  if (!lines.length) lines.push(`# no static address on ${name}`);
  const decl = host.network.interfaces.find((i) => i.name === name);
  if (decl?.dhcp?.known) lines.push(`# DHCP: ${decl.dhcp.value}`);
  return [heading(`${name} on host ${host.name} renders to`), codeBlock(lines.join('\n'), 'sh')];
}

function sameLine(at: Location, path: string, pos: Position): boolean {
  return at.file === path && at.range.start.line === pos.line;
}

export async function hoverAt(file: SourceFile, pos: Position, ctx: HoverContext): Promise<Hover | null> {
  const lineText = lineIndexOf(file).lineText(pos.line);
  const sections: string[][] = [];
  let range: Range | undefined;

  const target = textTargetAt(file.kind, lineText, pos);
  if (target?.kind === 'ip') sections.push(await addressSection(target.address, target.family, ctx));
  if (target?.kind === 'name') sections.push(await hostNameSection(target.name, ctx, `${target.name} (host name)`));
  if (target) range = target.range;

  if (!target) {
    for (const inst of ctx.model.postfix) {
      const params = [...inst.main, ...inst.master.flatMap((m) => m.overrides)];
      const p = params.find((x) => contains(x.nameAt, file.path, pos)) ?? params.find((x) => x.source.startsWith('nix.') && contains(x.entryAt, file.path, pos));
      if (p) {
        sections.push(postfixParamHover(inst, p, ctx));
        range = contains(p.nameAt, file.path, pos) ? p.nameAt.range : undefined;
        break;
      }
    }
  }
  if (!sections.length) {
    for (const h of ctx.model.hosts) {
      const n = h.names.find((x) => x.source.startsWith('networking.') && sameLine(x.at, file.path, pos));
      if (n) {
        sections.push([escapeMarkdown(`NixOS ${n.source} of host ${h.name}: the host's name is ${n.name}`)], await hostNameSection(n.name, ctx, `${n.name} (host ${h.name})`));
        break;
      }
      const i = h.network.interfaces.find((x) => contains(x.at, file.path, pos) && sameLine(x.at, file.path, pos));
      if (i) {
        sections.push(interfaceHover(h, i.name));
        break;
      }
    }
  }
  if (!sections.length) return null;
  return { contents: { kind: 'markdown', value: sections.flat().join('\n\n') }, ...(range ? { range } : {}) };
}
