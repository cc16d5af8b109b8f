/**
 * postfix-inet-interfaces-loopback: `inet_interfaces` or master.cf service names that
 * hard-code both loopback addresses (127.0.0.1 and ::1) where `loopback-only` says it.
 */
import type { Fix } from '../../core/finding';
import type { MasterEntry, PostfixInstance, PostfixParam } from '../../model/types';
import { parseAddress } from '../support/ip';
import type { RawFinding, Rule, RuleContext } from '../types';

type Loop = 4 | 6 | undefined;

/** The family of a loopback literal (`127.0.0.1`, `127.0.0.2`, `::1`, `[::1]`), else undefined. */
function loopbackFamily(text: string): Loop {
  const ip = parseAddress(text);
  if (!ip) return undefined;
  if (ip.family === 4) return ip.bits >> 24n === 127n ? 4 : undefined;
  return ip.bits === 1n ? 6 : undefined;
}

/** `127.0.0.1:10025` / `[::1]:10025` → family and port. */
function loopbackService(name: string): { family: 4 | 6; port: string } | undefined {
  const m = /^(\[[^\]]+\]|[^[\]]+):([A-Za-z0-9_-]+)$/.exec(name);
  if (!m) return undefined;
  const family = loopbackFamily(m[1]);
  return family ? { family, port: m[2] } : undefined;
}

function interfacesFix(ctx: RuleContext, instance: PostfixInstance, p: PostfixParam): Fix | undefined {
  const edits = p.source === 'main.cf' || p.source === 'master.cf -o' ? [ctx.edits.replace(p.valueAt, 'loopback-only')] : p.source.startsWith('nix.settings.main') ? ctx.edits.setPostfixMain(instance, 'inet_interfaces', 'loopback-only') : undefined;
  return edits && edits.length ? { title: 'Set inet_interfaces = loopback-only', preferred: true, edits } : undefined;
}

export const postfixInetInterfacesLoopback: Rule = {
  meta: {
    id: 'postfix-inet-interfaces-loopback',
    defaultSeverity: 'info',
    title: 'Loopback addresses hard-coded instead of loopback-only',
    docs: 'postfix-inet-interfaces-loopback',
    doc: {
      what: '`inet_interfaces` lists both loopback addresses (`127.0.0.1, [::1]`), or master.cf defines the same service twice, as `127.0.0.1:PORT` and `[::1]:PORT`.',
      why: '`inet_interfaces = loopback-only` says the same and follows `inet_protocols`: hard-coded addresses make Postfix fail to start ("bind [::1]: Cannot assign requested address") on a host or container without IPv6 loopback, and need editing whenever the address families change.',
      fix: 'Set `inet_interfaces = loopback-only` (quick fix). For master.cf services the quick fix is offered only when every `inet` service listens on loopback: it sets `inet_interfaces = loopback-only`, renames `127.0.0.1:PORT` to `PORT` and removes the `[::1]:PORT` twin.',
      notFlagged: 'A single loopback address (`inet_interfaces = 127.0.0.1` is a deliberate IPv4-only choice), lists that mix loopback and other addresses, `loopback-only`/`all`, and master.cf services bound to non-loopback addresses.',
      example: {
        lang: 'postfix',
        bad: 'inet_interfaces = 127.0.0.1, [::1]',
        fixed: 'inet_interfaces = loopback-only',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      const params: PostfixParam[] = [...instance.main.filter((p) => p.name === 'inet_interfaces'), ...instance.master.flatMap((e) => e.overrides.filter((p) => p.name === 'inet_interfaces'))];
      for (const p of params) {
        if (p.value === null || !p.items.length) continue;
        const fams = p.items.map((i) => loopbackFamily(i.text));
        if (fams.some((f) => f === undefined) || !fams.includes(4) || !fams.includes(6)) continue;
        const fix = interfacesFix(ctx, instance, p);
        out.push({
          at: p.valueAt,
          message: `inet_interfaces hard-codes the loopback addresses (${p.items.map((i) => i.text).join(', ')}): "loopback-only" says the same and follows inet_protocols`,
          fixes: fix ? [fix] : [],
        });
      }
      out.push(...masterPairs(ctx, instance));
    }
    return out;
  },
};

function masterPairs(ctx: RuleContext, instance: PostfixInstance): RawFinding[] {
  const out: RawFinding[] = [];
  const inet = instance.master.filter((e) => e.type === 'inet');
  const loop = inet.map((e) => ({ e, l: loopbackService(e.service) }));
  const allLoopback = loop.every((x) => x.l !== undefined);
  for (const { e, l } of loop) {
    if (!l || l.family !== 4) continue;
    const twin = loop.find((x) => x.l?.family === 6 && x.l.port === l.port && x.e.command === e.command)?.e;
    if (!twin) continue;
    const fixes: Fix[] = [];
    if (allLoopback) {
      const fix = allLoopbackFix(ctx, instance, loop.map((x) => x.e));
      if (fix) fixes.push(fix);
    }
    out.push({
      at: e.serviceAt,
      message: `master.cf defines ${e.service} and ${twin.service}: the loopback addresses are hard-coded twice; with inet_interfaces = loopback-only one "${l.port}" entry listens on both`,
      related: [{ at: twin.serviceAt, message: `the IPv6 twin ${twin.service}` }],
      fixes,
    });
  }
  return out;
}

/** Only when every inet service is on loopback: loopback-only + plain ports + no IPv6 twins. */
function allLoopbackFix(ctx: RuleContext, instance: PostfixInstance, entries: readonly MasterEntry[]): Fix | undefined {
  if (instance.origin.kind !== 'files') return undefined;
  const main = ctx.edits.setPostfixMain(instance, 'inet_interfaces', 'loopback-only');
  if (!main) return undefined;
  const edits = [...main];
  const seen = new Map<string, MasterEntry>();
  for (const e of entries) {
    const l = loopbackService(e.service)!;
    const key = `${l.port}\0${e.command}`;
    if (l.family === 4 && !seen.has(key)) {
      seen.set(key, e);
      edits.push(ctx.edits.replace(e.serviceAt, l.port));
    }
  }
  for (const e of entries) {
    const l = loopbackService(e.service)!;
    const key = `${l.port}\0${e.command}`;
    if (l.family === 6) {
      const v4 = seen.get(key);
      if (v4) {
        // Removing the twin must not lose settings: only when it is the same entry otherwise.
        if (JSON.stringify(v4.args) !== JSON.stringify(e.args) || v4.maxproc !== e.maxproc || v4.chroot !== e.chroot) return undefined;
        edits.push(ctx.edits.remove(e.at));
      } else {
        seen.set(key, e);
        edits.push(ctx.edits.replace(e.serviceAt, l.port));
      }
    }
  }
  return { title: 'Set inet_interfaces = loopback-only and list each loopback service once by port', edits };
}
