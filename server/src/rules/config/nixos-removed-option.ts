/**
 * nixos-removed-option: `services.postfix` options that current nixpkgs removed or renamed
 * (`config`, `extraConfig`, `masterConfig`, `extraMasterConf`, `hostname`, `domain`, `origin`,
 * `destination`, `networks`, `relayHost`, ...). The Nix module marks where each Postfix
 * parameter came from (PostfixParam.source / option), which is all this rule reads.
 */
import type { Fix } from '../../core/finding';
import type { Host, InfraModel, PostfixInstance, PostfixParam } from '../../model/types';
import type { RawFinding, Rule, RuleContext } from '../types';

const MAIN_PATH = ['services', 'postfix', 'settings', 'main'];

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

function hostOf(model: InfraModel, instance: PostfixInstance): Host | undefined {
  return model.hosts.find((h) => h.id === instance.host || h.postfix === instance.id);
}

function sameRange(a: PostfixParam['entryAt'], b: PostfixParam['entryAt']): boolean {
  return a.file === b.file && JSON.stringify(a.range) === JSON.stringify(b.range);
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
    if (all.some((o) => o !== p && sameRange(o.entryAt, p.entryAt))) return undefined;
    const set = ctx.edits.setNixOption(host, [...MAIN_PATH, p.name], value, p.entryAt.file);
    if (!set || !set.length) return undefined;
    edits.push(ctx.edits.replace(p.entryAt, ''), ...set);
  }
  return { title, edits };
}

function optionName(p: PostfixParam): string {
  switch (p.source) {
    case 'nix.config':
      return `services.postfix.config.${p.name}`;
    case 'nix.extraConfig':
      return 'services.postfix.extraConfig';
    case 'nix.masterConfig':
      return 'services.postfix.masterConfig';
    case 'nix.extraMasterConf':
      return 'services.postfix.extraMasterConf';
    default:
      return p.option ?? `services.postfix.${p.name}`;
  }
}

export const nixosRemovedOption: Rule = {
  meta: {
    id: 'nixos-removed-option',
    defaultSeverity: 'info',
    title: 'NixOS Postfix option removed in current nixpkgs',
    docs: 'nixos-removed-option',
    doc: {
      what: 'The configuration uses a `services.postfix` option that current nixpkgs removed or renamed: `config`, `extraConfig`, `masterConfig`, `extraMasterConf`, and the single-value options `hostname`, `domain`, `origin`, `destination`, `networks`, `networksStyle`, `relayDomains`, `recipientDelimiter`, `relayHost` (with `relayPort`, `lookupMX`).',
      why: 'After a nixpkgs update the build stops with "The option ... has been removed" (or a rename warning), typically in the middle of an unrelated upgrade of a mail server. `services.postfix.settings.main.<name>` is the current, free-form way to write any main.cf parameter.',
      fix: 'Write the parameter as `services.postfix.settings.main.<main.cf name>` (e.g. `networks` → `settings.main.mynetworks`, `hostname` → `settings.main.myhostname`). The quick fix moves the value there and removes the old binding, when the value is known and the old binding holds only that parameter (for `extraConfig` it moves every setting and leaves the emptied string for you to delete); master.cf options move to `services.postfix.settings.master` by hand.',
      notFlagged: '`services.postfix.settings.main` / `settings.master`, other `services.postfix` options that still exist (`enable`, `sslCert` handling aside), options of other modules, and legacy options that another definition overrides.',
      example: {
        lang: 'nix',
        bad: 'services.postfix = {\n  enable = true;\n  hostname = "mx1.example.org";\n  networks = [ "127.0.0.0/8" "[::1]/128" ];\n};',
        fixed: 'services.postfix = {\n  enable = true;\n  settings.main.myhostname = "mx1.example.org";\n  settings.main.mynetworks = [ "127.0.0.0/8" "[::1]/128" ];\n};',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      if (instance.origin.kind !== 'nixos') continue;
      const host = hostOf(ctx.model, instance);
      const main = instance.main;
      for (const p of main) {
        if (p.source !== 'nix.option' && p.source !== 'nix.config') continue;
        const old = optionName(p);
        // relayHost folds relayPort/lookupMX in: moving it alone could leave them behind.
        const movable = p.option !== 'services.postfix.relayHost';
        const fix = movable ? moveFix(ctx, host, [p], main, `Move to services.postfix.settings.main.${p.name}`) : undefined;
        out.push({
          at: p.entryAt,
          message:
            `${old} was removed from nixpkgs' Postfix module: write services.postfix.settings.main.${p.name}` +
            (p.option === 'services.postfix.relayHost' ? ` = "${p.value ?? '[host]:port'}" (and drop relayPort/lookupMX)` : ''),
          fixes: fix ? [fix] : [],
        });
      }
      const extra = main.filter((p) => p.source === 'nix.extraConfig');
      if (extra.length) {
        const fix = moveFix(ctx, host, extra, main, `Move the ${extra.length} extraConfig setting${extra.length === 1 ? '' : 's'} to services.postfix.settings.main (then delete the emptied extraConfig)`);
        out.push({
          at: extra[0].entryAt,
          message: `services.postfix.extraConfig was removed from nixpkgs' Postfix module: write its settings (${extra.map((p) => p.name).slice(0, 6).join(', ')}${extra.length > 6 ? ', ...' : ''}) as services.postfix.settings.main.<name>`,
          related: extra.slice(1, 11).map((p) => ({ at: p.entryAt, message: `${p.name}, also in extraConfig` })),
          fixes: fix ? [fix] : [],
        });
      }
      for (const source of ['nix.masterConfig', 'nix.extraMasterConf'] as const) {
        const entries = instance.master.filter((e) => e.overrides.some((o) => o.source === source));
        if (!entries.length) continue;
        const name = source === 'nix.masterConfig' ? 'masterConfig' : 'extraMasterConf';
        out.push({
          at: entries[0].at,
          message: `services.postfix.${name} was removed from nixpkgs' Postfix module: describe these master.cf services (${entries.map((e) => e.service).join(', ')}) in services.postfix.settings.master`,
          related: entries.slice(1, 11).map((e) => ({ at: e.at, message: `service ${e.service}, also in ${name}` })),
        });
      }
    }
    return out;
  },
};
