/**
 * nixos-removed-option: `services.postfix` options that current nixpkgs renamed
 * (`mkRenamedOptionModule`: still evaluated, with a deprecation warning) or removed
 * (`mkRemovedOptionModule`: evaluation fails), as listed in the `imports` of nixpkgs'
 * nixos/modules/services/mail/postfix.nix. One finding per binding of such an option
 * (PostfixInstance.nixOptions), whatever other definitions override its values.
 * `extraMasterConf` is still a current option (types.lines), whatever rules.md says: ADR 0002.
 */
import type { Fix } from '../../core/finding';
import { sameLocation, type Location } from '../../core/text';
import type { Host, PostfixInstance, PostfixNixOption, PostfixParam } from '../../model/types';
import type { RawFinding, Rule, RuleContext } from '../types';
import { hostOfInstance } from '../support/hosts';

const MAIN_PATH = ['services', 'postfix', 'settings', 'main'];
const SP = 'services.postfix';

type Verdict =
  /** `to`: the current option; `rename`: what replaces the option's name in its binding, when that alone is the fix. */
  | { readonly kind: 'renamed'; readonly to: string; readonly rename?: string; readonly mainName?: string; readonly detail?: string }
  | { readonly kind: 'removed'; readonly instead: string };

const toMain = (name: string): Verdict => ({ kind: 'renamed', to: `${SP}.settings.main.${name}`, rename: `settings.main.${name}`, mainName: name });
const TLS_CHAIN = `${SP}.settings.main.smtpd_tls_chain_files (server key and certificate, in one list) or smtp_tls_chain_files (client)`;
const RELAYHOST = `${SP}.settings.main.relayhost, a list of "[host]:port" (brackets turn off MX lookups)`;

/** nixpkgs' postfix.nix `imports`: every renamed, changed and removed `services.postfix` option. */
const NIXPKGS: Readonly<Record<string, Verdict>> = {
  config: { kind: 'renamed', to: `${SP}.settings.main`, rename: 'settings.main' },
  masterConfig: { kind: 'renamed', to: `${SP}.settings.master`, rename: 'settings.master' },
  hostname: toMain('myhostname'),
  domain: toMain('mydomain'),
  origin: toMain('myorigin'),
  destination: toMain('mydestination'),
  networks: toMain('mynetworks'),
  networksStyle: toMain('mynetworks_style'),
  relayDomains: toMain('relay_domains'),
  recipientDelimiter: toMain('recipient_delimiter'),
  tlsTrustedAuthorities: toMain('smtp_tls_CAfile'),
  // mkChangedOptionModule: `true` becomes "dane"; a warning, not an error.
  useDane: { kind: 'renamed', to: `${SP}.settings.main.smtp_tls_security_level`, detail: ' = "dane"' },
  useSrs: { kind: 'renamed', to: 'services.pfix-srsd.enable' },
  sslCACert: { kind: 'removed', instead: `${SP}.settings.main.smtp_tls_CAfile` },
  sslCert: { kind: 'removed', instead: TLS_CHAIN },
  sslKey: { kind: 'removed', instead: TLS_CHAIN },
  lookupMX: { kind: 'removed', instead: RELAYHOST },
  relayHost: { kind: 'removed', instead: RELAYHOST },
  relayPort: { kind: 'removed', instead: RELAYHOST },
  extraConfig: { kind: 'removed', instead: `${SP}.settings.main.<name> for each of its settings` },
};

/** A Nix string literal for a main.cf value. */
export function nixString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n')}"`;
}

/** The Nix value to write under settings.main: a list where the option was a list, an int, else a string. */
export function nixValueFor(p: PostfixParam): string | undefined {
  if (p.value === null) return undefined;
  const joined = p.items.map((i) => i.text).join(', ');
  if (p.items.length > 1 && joined === p.value && (p.option === 'services.postfix.networks' || p.option === 'services.postfix.destination' || p.option === 'services.postfix.relayDomains')) {
    return `[ ${p.items.map((i) => nixString(i.text)).join(' ')} ]`;
  }
  if (/^(0|[1-9]\d{0,8})$/.test(p.value)) return p.value;
  return nixString(p.value);
}

/** Delete the old binding(s) and set settings.main.<name> for each; undefined unless every piece is safe. */
function moveFix(ctx: RuleContext, host: Host | undefined, params: readonly PostfixParam[], all: readonly PostfixParam[], title: string): Fix | undefined {
  if (!host || host.kind !== 'nixos' || !params.length) return undefined;
  const edits = [];
  for (const p of params) {
    const value = nixValueFor(p);
    if (value === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) return undefined;
    // One binding holding several parameters (`config = { a = ..; b = ..; }` seen as one range)
    // cannot be deleted for one of them.
    if (all.some((o) => o !== p && sameLocation(o.entryAt, p.entryAt))) return undefined;
    const set = ctx.edits.setNixOption(host, [...MAIN_PATH, p.name], value, p.entryAt.file);
    if (!set || !set.length) return undefined;
    edits.push(ctx.edits.remove(p.entryAt), ...set);
  }
  return { title, edits };
}

const inside = (a: Location, b: Location) =>
  a.file === b.file &&
  (a.range.start.line > b.range.start.line || (a.range.start.line === b.range.start.line && a.range.start.character >= b.range.start.character)) &&
  (a.range.end.line < b.range.end.line || (a.range.end.line === b.range.end.line && a.range.end.character <= b.range.end.character));

/**
 * Renaming the option's name in its binding (`config = {` → `settings.main = {`) keeps the
 * value as written, which is what nixpkgs' alias does with it. Only when the file binds no
 * `services.postfix.settings` yet, so the rename cannot collide with an existing attribute.
 */
function renameFix(ctx: RuleContext, instance: PostfixInstance, b: PostfixNixOption, to: string): Fix | undefined {
  if (!b.keyAt) return undefined;
  if ((instance.nixOptions ?? []).some((o) => o.option === 'settings' && o.at.file === b.at.file)) return undefined;
  return { title: `Rename ${b.option} to ${to}`, preferred: true, edits: [ctx.edits.replace(b.keyAt, to)] };
}

/** The main.cf parameter a legacy single-value option binding produced (absent when overridden). */
function paramOf(instance: PostfixInstance, b: PostfixNixOption): PostfixParam | undefined {
  return instance.main.find((p) => p.source === 'nix.option' && p.option === `${SP}.${b.option}` && sameLocation(p.entryAt, b.at));
}

function relayhostValue(instance: PostfixInstance): string | undefined {
  const p = instance.main.find((x) => x.option === `${SP}.relayHost`);
  return p?.value ?? undefined;
}

function findingFor(ctx: RuleContext, instance: PostfixInstance, host: Host | undefined, b: PostfixNixOption, v: Verdict): RawFinding {
  const old = `${SP}.${b.option}`;
  if (v.kind === 'removed') {
    const relay = b.option === 'relayHost' || b.option === 'relayPort' ? relayhostValue(instance) : undefined;
    const instead = relay ? `${SP}.settings.main.relayhost = [ ${nixString(relay)} ]` : v.instead;
    if (b.option !== 'extraConfig') return { at: b.at, message: `${old} was removed from nixpkgs (evaluation fails): write ${instead} instead`, fixes: [] };
    const extra = instance.main.filter((p) => p.source === 'nix.extraConfig' && inside(p.entryAt, b.at));
    const names = extra.map((p) => p.name);
    const fix = moveFix(ctx, host, extra, instance.main, `Move the ${extra.length} extraConfig setting${extra.length === 1 ? '' : 's'} to ${SP}.settings.main (then delete the emptied extraConfig)`);
    return {
      at: b.at,
      message:
        `${old} was removed from nixpkgs (evaluation fails): write ` +
        (names.length ? `its settings (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', ...' : ''}) as ${SP}.settings.main.<name> instead` : `${SP}.settings.main.<name> instead`),
      related: extra.slice(0, 10).map((p) => ({ at: p.entryAt, message: `${p.name}, set in extraConfig` })),
      fixes: fix ? [fix] : [],
    };
  }
  const message = `${old} was renamed to ${v.to} in nixpkgs (still accepted, with a deprecation warning): write ${v.to}${v.detail ?? ''} instead`;
  const p = v.mainName ? paramOf(instance, b) : undefined;
  const fix = (p && moveFix(ctx, host, [p], instance.main, `Move to ${SP}.settings.main.${p.name}`)) || (v.rename ? renameFix(ctx, instance, b, v.rename) : undefined);
  return { at: b.at, message, fixes: fix ? [fix] : [] };
}

export const nixosRemovedOption: Rule = {
  meta: {
    id: 'nixos-removed-option',
    defaultSeverity: 'info',
    title: 'NixOS Postfix option renamed or removed in current nixpkgs',
    docs: 'nixos-removed-option',
    doc: {
      what: 'The configuration binds a `services.postfix` option that current nixpkgs renamed (`config` → `settings.main`, `masterConfig` → `settings.master`, `hostname`, `domain`, `origin`, `destination`, `networks`, `networksStyle`, `relayDomains`, `recipientDelimiter`, `tlsTrustedAuthorities` → `settings.main.<main.cf name>`, `useDane`, `useSrs`) or removed (`extraConfig`, `sslCert`, `sslKey`, `sslCACert`, `relayHost`, `relayPort`, `lookupMX`): the `mkRenamedOptionModule` / `mkRemovedOptionModule` list of nixpkgs\' postfix.nix. One finding per binding (the `config =` line, not each key inside it; `inherit hostname;` itself).',
      why: 'A renamed option still works but warns on every rebuild and disappears in a later release; a removed one stops the build ("The option ... has been removed"), typically in the middle of an unrelated upgrade of a mail server. `services.postfix.settings.main.<name>` is the current, free-form way to write any main.cf parameter.',
      fix: 'Write the current option instead. `config` / `masterConfig`: the quick fix renames the binding to `settings.main` / `settings.master` (when the file binds no `services.postfix.settings` yet, so nothing collides). Single-value options: the quick fix moves a known value to `settings.main.<name>` (e.g. `networks` → `settings.main.mynetworks`), else renames the binding. `extraConfig`: the quick fix moves every setting and leaves the emptied string for you to delete. `relayHost`/`relayPort`/`lookupMX` become `settings.main.relayhost = [ "[host]:port" ]`; `sslCert`/`sslKey` become `settings.main.smtpd_tls_chain_files` (by hand).',
      notFlagged: '`services.postfix.settings.main` / `settings.master`, options that still exist (`enable`, `rootAlias`, `postmasterAlias`, `transport`, `dnsBlacklists`, ...), and options of other modules. `extraMasterConf` is not flagged although the catalog lists it: current nixpkgs still declares it (`types.lines`, "Extra lines to append to the generated master.cf file"); see ADR 0002.',
      example: {
        lang: 'nix',
        bad: 'services.postfix = {\n  enable = true;\n  hostname = "mx1.example.org";\n  networks = [ "127.0.0.0/8" "[::1]/128" ];\n};',
        fixed: 'services.postfix = {\n  enable = true;\n  settings.main.myhostname = "mx1.example.org";\n  settings.main.mynetworks = [ "127.0.0.0/8" "[::1]/128" ];\n};',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    const seen = new Set<string>();
    for (const instance of ctx.model.postfix) {
      if (instance.origin.kind !== 'nixos') continue;
      const host = hostOfInstance(ctx.model, instance);
      for (const b of instance.nixOptions ?? []) {
        const v = Object.prototype.hasOwnProperty.call(NIXPKGS, b.option) ? NIXPKGS[b.option] : undefined;
        if (!v) continue;
        // A module shared by several hosts is reported once.
        const id = `${b.option} ${b.at.file} ${JSON.stringify(b.at.range)}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(findingFor(ctx, instance, host, b, v));
      }
    }
    return out;
  },
};
