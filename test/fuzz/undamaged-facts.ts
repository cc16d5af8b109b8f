/**
 * Localized damage to a NixOS module and to a compose file (fixed seeds): which facts of the
 * undamaged bindings/services the whole engine still models. Shared by
^ * undamaged-facts.test.ts; every fixture uses documentation addresses and .test names.
 */
import type { SourceFile } from '../../server/src/core/source';
import type { Finding } from '../../server/src/core/finding';
import { analyze, INTERNAL_ERROR_RULE } from '../../server/src/engine/engine';
import { analyzeOptionsFor, createDns, type WorkspaceConfig } from '../../server/src/engine/setup';
import type { InfraModel } from '../../server/src/model/types';
import { rng, type Rng } from './mutate';

const ROOT = '/fuzz-undamaged';
export const NIX_PATH = `${ROOT}/configuration.nix`;
export const COMPOSE_PATH = `${ROOT}/compose.yaml`;

/** One binding per line, lines 2..8; each binding's facts (what the model shows for it). */
export const NIX_HEAD = '{ config, lib, pkgs, ... }:\n{\n';
export const NIX_BINDINGS: readonly { readonly text: string; readonly fact: string }[] = [
  { text: '  networking.hostName = "mail";\n', fact: 'host mail' },
  { text: '  networking.domain = "example.test";\n', fact: 'name mail.example.test' },
  { text: '  networking.interfaces.ens3.ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\n', fact: 'address 192.0.2.25/24' },
  { text: '  networking.interfaces.ens3.ipv6.addresses = [ { address = "2001:db8::25"; prefixLength = 64; } ];\n', fact: 'address 2001:db8::25/64' },
  { text: '  services.postfix.enable = true;\n', fact: 'postfix nixos:configuration.nix' },
  { text: '  services.postfix.settings.main.mynetworks = [ "192.0.2.0/24" "[2001:db8::]/32" ];\n', fact: 'main mynetworks=192.0.2.0/24, [2001:db8::]/32' },
  { text: '  services.postfix.settings.main.relayhost = [ "[relay.example.test]:587" ];\n', fact: 'main relayhost=[relay.example.test]:587' },
];
export const NIX_TAIL = '}\n';
export const NIX_TEXT = NIX_HEAD + NIX_BINDINGS.map((b) => b.text).join('') + NIX_TAIL;

export function nixFacts(model: InfraModel): Set<string> {
  const out = new Set<string>();
  for (const h of model.hosts) {
    for (const n of h.names) if (n.source === 'networking.hostName') out.add(`host ${n.name.split('.')[0]}`).add(`name ${n.name}`);
    for (const a of h.network.addresses) out.add(`address ${a.address}/${a.prefixLength}`);
  }
  for (const p of model.postfix) {
    out.add(`postfix ${p.id}`);
    for (const m of p.main) if (m.source === 'nix.settings.main') out.add(`main ${m.name}=${m.value}`);
  }
  return out;
}

/** Three services; `mail` (lines 8..14) is the one damaged. */
export const COMPOSE_LINES = [
  'services:',
  '  web:',
  '    image: nginx',
  '    ports:',
  '      - "198.51.100.10:80:80"',
  '      - "[2001:db8::10]:443:443"',
  '    environment:',
  '      SITE: web.example.test',
  '  mail:',
  '    image: postfix',
  '    hostname: mail.example.test',
  '    ports:',
  '      - "203.0.113.25:25:25"',
  '    environment:',
  '      RELAYHOST: relay.example.test',
  '  db:',
  '    image: postgres',
  '    ports:',
  '      - "203.0.113.5:5432:5432"',
  '    environment:',
  '      POSTGRES_DB: app',
];
export const MAIL_FIRST = 8;
export const MAIL_LAST = 14;

/** Per service: its port strings and environment names, or absent. */
export function composeFacts(model: InfraModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of model.compose) {
    for (const s of p.services) out.set(s.name, `ports [${s.ports.map((x) => x.raw).join(' ')}] env [${s.environment.map((e) => e.name).join(' ')}]`);
  }
  return out;
}

export interface Outcome {
  readonly text: string;
  readonly model: InfraModel;
  readonly findings: readonly Finding[];
  readonly internal: readonly Finding[];
  /** Lines (0-based) of syntax findings on the damaged file. */
  readonly syntaxLines: readonly number[];
}

export async function analyseOne(path: string, kind: 'nix' | 'compose', text: string, syntaxRule: string): Promise<Outcome> {
  const config: WorkspaceConfig = { root: ROOT, dns: 'off', resolvers: [], rules: new Map() };
  const file: SourceFile = { path, kind, text };
  const dns = await createDns(config, []);
  const { model, findings } = await analyze([file], analyzeOptionsFor(config, dns.view));
  await dns.close();
  return {
    text,
    model,
    findings,
    internal: findings.filter((f) => f.rule === INTERNAL_ERROR_RULE),
    syntaxLines: findings.filter((f) => f.rule === syntaxRule && f.at.file === path).map((f) => f.at.range.start.line),
  };
}

export type NixDamage = 'junk' | 'cut-binding' | 'cut-file' | 'bracket' | 'semicolon';
export const NIX_DAMAGES: readonly NixDamage[] = ['junk', 'cut-binding', 'cut-file', 'bracket', 'semicolon'];

/** Offsets of `line` outside string literals, after its `=`. */
function codeOffsets(line: string): number[] {
  const out: number[] = [];
  let quoted = false;
  for (let i = line.indexOf('=') + 1; i < line.length - 1; i++) {
    if (!quoted) out.push(i);
    if (line[i] === '"') quoted = !quoted;
  }
  return out;
}

const JUNK = ['{', '}', '[', ']', '(', ')', '"', "''", '${', '=', ';', ':', '.', 'let', 'in', 'rec', 'with', 'if', 'then', 'else', 'inherit', '//', '++', '#', '/*', 'x', 'a.b', '192.0.2.9', '2001:db8::9', '@', '...', '?', '\\', '$'];

/**
 * Damage only the region after binding `k` (0-based). Returns the mutant and the line where the
 * damage begins (the first line that differs).
 */
export function damageNix(kind: NixDamage, k: number, r: Rng): { text: string; line: number } {
  const before = NIX_HEAD + NIX_BINDINGS.slice(0, k + 1).map((b) => b.text).join('');
  const after = NIX_BINDINGS.slice(k + 1).map((b) => b.text).join('') + NIX_TAIL;
  const line = 2 + k + 1;
  const next = NIX_BINDINGS[k + 1].text;
  switch (kind) {
    case 'junk': {
      let j = '  ';
      for (let i = 1 + r.int(6); i > 0; i--) j += r.pick(JUNK) + (r.chance(0.5) ? ' ' : '');
      return { text: before + j + '\n' + after, line };
    }
    case 'cut-binding': {
      // The next binding loses its end (the rest of the module, closing brace included, stays).
      const at = 3 + r.int(next.length - 4);
      return { text: before + next.slice(0, at) + '\n' + after.slice(next.length), line };
    }
    case 'cut-file': {
      // The buffer ends inside a later binding (the closing brace is gone too).
      const at = 3 + r.int(after.length - NIX_TAIL.length - 3);
      return { text: before + after.slice(0, at), line: line + (after.slice(0, at).match(/\n/g)?.length ?? 0) };
    }
    case 'bracket': {
      const at = r.pick(codeOffsets(next));
      const b = r.pick(['[', ']', '{', '}', '(', ')']);
      return { text: before + next.slice(0, at) + b + next.slice(at) + after.slice(next.length), line };
    }
    case 'semicolon': {
      const at = next.lastIndexOf(';');
      return { text: before + next.slice(0, at) + next.slice(at + 1) + after.slice(next.length), line };
    }
  }
}

export type ComposeDamage = 'indent' | 'quote' | 'duplicate';
export const COMPOSE_DAMAGES: readonly ComposeDamage[] = ['indent', 'quote', 'duplicate'];

/** Damage one line of the `mail` service (and only it). */
export function damageCompose(kind: ComposeDamage, r: Rng): { text: string; line: number } {
  const lines = [...COMPOSE_LINES];
  const line = MAIL_FIRST + r.int(MAIL_LAST - MAIL_FIRST + 1);
  const old = lines[line];
  switch (kind) {
    case 'indent': {
      const body = old.trimStart();
      const indent = old.length - body.length;
      const delta = r.pick([-3, -1, 1, 3, 5]);
      lines[line] = (r.chance(0.2) ? '\t' : ' '.repeat(Math.max(0, indent + delta) || 1)) + body;
      break;
    }
    case 'quote': {
      const indent = old.length - old.trimStart().length;
      const at = indent + r.int(old.length - indent + 1);
      lines[line] = old.slice(0, at) + r.pick(['"', "'"]) + old.slice(at);
      break;
    }
    case 'duplicate': {
      // A key line of the mail block again at the same place (a duplicate mapping key).
      const keys = [MAIL_FIRST, 9, 10, 11, 13].filter((i) => i !== MAIL_FIRST || r.chance(0.5));
      const dup = r.pick(keys);
      lines.splice(dup + 1, 0, lines[dup].endsWith(':') ? lines[dup] : lines[dup].replace(/:.*/, ': other.example.test'));
      return { text: lines.join('\n') + '\n', line: dup + 1 };
    }
  }
  return { text: lines.join('\n') + '\n', line };
}

export { rng };
