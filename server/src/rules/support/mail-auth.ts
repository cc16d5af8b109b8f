/**
 * Is an address a source that receivers accept for mail: a PTR that resolves back to it
 * (forward-confirmed reverse DNS), and authorised by the SPF of every domain the host sends for.
 * Each check is 'ok', a definite problem, or unknown (DNS could not say): unknown is never a problem.
 */
import type { Location } from '../../core/text';
import type { RelatedInfo } from '../../core/finding';
import type { Host } from '../../model/types';
import { answerOrigin, unknownReason, type Lookups } from './dns';
import { ahead } from './in-order';
import { parseAddress } from './ip';

export interface AuthCheck {
  readonly address: string;
  /** Definite problems, each a sentence fragment ("has no PTR record"). */
  readonly problems: string[];
  /** Checks DNS could not answer ("PTR: offline"). */
  readonly unknowns: string[];
  /** PTR names that resolve back to the address. */
  readonly confirmedNames: string[];
  readonly related: RelatedInfo[];
  /** True when every check passed (nothing unknown, nothing wrong). */
  readonly ok: boolean;
}

const MAX_DOMAINS = 8;

export async function checkMailSource(host: Host, address: string, look: Lookups): Promise<AuthCheck> {
  const problems: string[] = [];
  const unknowns: string[] = [];
  const related: RelatedInfo[] = [];
  // The SPF questions do not depend on the PTR: all of them are on their way at once.
  const domains = host.mailDomains.slice(0, MAX_DOMAINS);
  const spfs = ahead(Promise.all(domains.map((d) => look.spf(address, d.domain))));
  const rev = await look.reverse(address);
  let confirmedNames: string[] = [];
  if (rev.ptr.status === 'unknown') unknowns.push(`PTR (${unknownReason(rev.ptr)})`);
  else if (rev.ptr.status !== 'records' || rev.names.length === 0) problems.push(`has no PTR record (${answerOrigin(look.model, rev.ptr)})`);
  else {
    for (const r of rev.ptr.records) if (r.at) related.push({ at: r.at, message: `PTR of ${address}: ${String(r.data)}` });
    if (rev.confirmed === 'no') problems.push(`has PTR ${rev.names.join(', ')}, which does not resolve back to ${address}`);
    else if (rev.confirmed === 'unknown') unknowns.push(`whether PTR ${rev.names.join(', ')} resolves back`);
    else confirmedNames = await confirmed(rev.names, address, look);
  }
  const spfAnswers = await spfs;
  for (const [i, d] of domains.entries()) {
    const spf = spfAnswers[i];
    const rec = spf.records.find((r) => r.at);
    if (spf.verdict === 'pass') continue;
    if (spf.verdict === 'temperror') {
      unknowns.push(`SPF of ${d.domain}${spf.detail ? ` (${spf.detail})` : ''}`);
      continue;
    }
    const what =
      spf.verdict === 'none'
        ? `is not covered by SPF (${d.domain} publishes no SPF record)`
        : spf.verdict === 'permerror'
          ? `is not covered by SPF (the SPF record of ${d.domain} is broken: permerror${spf.detail ? `, ${spf.detail}` : ''})`
          : `is not authorised by the SPF of ${d.domain} (${spf.verdict})`;
    problems.push(what);
    if (rec?.at) related.push({ at: rec.at, message: `SPF of ${d.domain}` });
    else related.push({ at: d.at, message: `${host.name} sends mail for ${d.domain}` });
  }
  return { address, problems, unknowns, confirmedNames, related, ok: problems.length === 0 && unknowns.length === 0 };
}

/** The PTR names whose A/AAAA contain the address (the view says "yes" for at least one). */
async function confirmed(names: readonly string[], address: string, look: Lookups): Promise<string[]> {
  const type = address.includes(':') ? 'AAAA' : 'A';
  const answers = await Promise.all(names.map((n) => look.query(n, type)));
  const out = names.filter((_, i) => answers[i].status === 'records' && answers[i].records.some((r) => parseAddress(String(r.data))?.text === address));
  return out.length ? out : [...names];
}

export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function at(l: Location | undefined, message: string): RelatedInfo[] {
  return l ? [{ at: l, message }] : [];
}
