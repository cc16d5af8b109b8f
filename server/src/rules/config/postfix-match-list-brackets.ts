/**
 * postfix-match-list-brackets: an IPv6 address or network in a Postfix match list written
 * without `[]` (read as a `type:table` lookup), or a `[` without its `]`.
 */
import type { PostfixParam } from '../../model/types';
import { isMatchListParameter } from '../../postfix/catalog';
import { parseAddress } from '../support/ip';
import type { RawFinding, Rule, RuleContext } from '../types';

export interface BracketProblem {
  readonly kind: 'unbracketed' | 'unclosed';
  /** The corrected item, when it can be written with confidence. */
  readonly fixed?: string;
}

/** Judges one match-list item as written; undefined when it is fine or not an address. */
export function bracketProblem(item: string): BracketProblem | undefined {
  if (!item || /[${}]/.test(item)) return undefined;
  const neg = item.startsWith('!') ? '!' : '';
  const t = item.slice(neg.length);
  if (t.startsWith('[')) {
    if (t.includes(']')) return undefined;
    const [addr, len, ...more] = t.slice(1).split('/');
    const ip = more.length === 0 ? parseAddress(addr) : undefined;
    const lenOk = len === undefined || /^\d{1,3}$/.test(len);
    return { kind: 'unclosed', ...(ip && lenOk ? { fixed: `${neg}[${addr}]${len !== undefined ? `/${len}` : ''}` } : {}) };
  }
  if (!t.includes(':')) return undefined;
  const slash = t.indexOf('/');
  const addr = slash < 0 ? t : t.slice(0, slash);
  const len = slash < 0 ? undefined : t.slice(slash + 1);
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const ip = parseAddress(addr);
  if (!ip || !addr.includes(':')) return undefined;
  return { kind: 'unbracketed', fixed: `${neg}[${addr}]${len !== undefined ? `/${len}` : ''}` };
}

function restrictionClasses(params: readonly PostfixParam[]): string[] {
  return params.filter((p) => p.name === 'smtpd_restriction_classes').flatMap((p) => p.items.map((i) => i.text));
}

function where(p: PostfixParam, service?: string): string {
  return service ? `${p.name} (-o on master.cf service ${service})` : p.name;
}

export const postfixMatchListBrackets: Rule = {
  meta: {
    id: 'postfix-match-list-brackets',
    defaultSeverity: 'error',
    title: 'IPv6 address in a Postfix match list without brackets',
    docs: 'postfix-match-list-brackets',
    doc: {
      what: 'An IPv6 address or network in a Postfix match list (`mynetworks`, `debug_peer_list`, `smtpd_*_restrictions`, `postscreen_access_list`, ... in main.cf, in a master.cf `-o`, or in the NixOS `services.postfix` settings) is not inside `[]`, or has a `[` without the closing `]`.',
      why: 'Postfix reads a match-list item that contains `:` and does not start with `[` as a `type:table` lookup: `2001:db8::/64` becomes "unsupported dictionary type: 2001", and SMTP clients get `451 4.3.0 Temporary lookup failure` for as long as the setting is in place. nixpkgs\' own example for `mynetworks` contains an unbracketed `"::1"`, so the mistake is common in NixOS configurations.',
      fix: 'Write the address inside brackets: `::1/128` → `[::1]/128`, `2001:db8::/64` → `[2001:db8::]/64` (`[2001:db8::/64]` is accepted too). The quick fix rewrites the item in place, in main.cf, master.cf or the Nix string it was written in.',
      notFlagged:
        '`cidr:` table files (brackets are optional there), settings of other programs (rspamd, policyd-spf) that happen to contain IPv6 addresses, items already written as `[addr]/len` or `[addr/len]`, commented-out lines, `type:table` lookups, parameters that are not match lists (`inet_interfaces`, `smtp_bind_address6` accept bare addresses), and items containing template placeholders or `$name`.',
      example: {
        lang: 'postfix',
        bad: 'mynetworks = 127.0.0.0/8, ::1/128, 2001:db8:25::/64',
        fixed: 'mynetworks = 127.0.0.0/8, [::1]/128, [2001:db8:25::]/64',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      const classes = restrictionClasses(instance.main);
      const params: { p: PostfixParam; service?: string }[] = [
        ...instance.main.map((p) => ({ p })),
        ...instance.master.flatMap((e) => e.overrides.map((p) => ({ p, service: e.service }))),
      ];
      for (const { p, service } of params) {
        if (!isMatchListParameter(p.name, classes)) continue;
        for (const item of p.items) {
          const problem = bracketProblem(item.text);
          if (!problem) continue;
          const fixes = problem.fixed ? [{ title: `Write as ${problem.fixed}`, preferred: true, edits: [ctx.edits.replace(item.at, problem.fixed)] }] : [];
          const message =
            problem.kind === 'unbracketed'
              ? `IPv6 ${item.text.includes('/') ? 'network' : 'address'} "${item.text}" in ${where(p, service)} must be written in brackets (${problem.fixed}): ` +
                `Postfix reads an item with ':' as a type:table lookup ("unsupported dictionary type: ${item.text.replace(/^!/, '').split(':')[0] || '(empty)'}") and clients get "451 4.3.0 Temporary lookup failure"`
              : `"${item.text}" in ${where(p, service)} opens '[' without closing ']': Postfix rejects the item` + (problem.fixed ? ` (write ${problem.fixed})` : '');
          out.push({ at: item.at, message, fixes });
        }
      }
    }
    return out;
  },
};
