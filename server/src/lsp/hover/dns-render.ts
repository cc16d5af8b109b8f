/** DNS answers as zone-file presentation text (inside code blocks) and where each came from. */
import { relative } from 'node:path';
import type { DnsAnswer, DnsRecord, DnsSource, ReverseResult } from '../../dns/types';
import { quoteCharacterString } from '../../dns/snapshot';
import { formatAge } from './markdown';

function abs(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

export function recordLine(r: DnsRecord): string {
  let data: string;
  switch (r.type) {
    case 'MX':
      data = `${r.data.preference} ${abs(r.data.exchange)}`;
      break;
    case 'TXT':
      data = r.data.map(quoteCharacterString).join(' ');
      break;
    case 'SOA':
      data = `${abs(r.data.mname)} ${abs(r.data.rname)} ${r.data.serial}`;
      break;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      data = abs(r.data);
      break;
    default:
      data = r.data;
  }
  return `${abs(r.name)} ${r.ttl} IN ${r.type} ${data}`;
}

export function describeSource(source: DnsSource, root: string, now: number): string {
  switch (source.kind) {
    case 'zone':
      return `zone file ${relative(root, source.file) || source.file}`;
    case 'cache':
      return `cache, ${formatAge(now - source.fetchedAt)} old${source.server ? ` (from ${source.server})` : ''}`;
    case 'live':
      return `live from ${source.server}, ${formatAge(now - source.fetchedAt)} ago`;
  }
}

/** One answer as code lines, with a trailing `; source` comment line. */
export function answerLines(a: DnsAnswer, root: string, now: number, live: boolean): string[] {
  if (a.status === 'unknown') {
    const why = a.reason === 'disabled' && live ? 'resolving in the background' : a.reason;
    return [`; ${a.name} ${a.type}: unknown (${why})`];
  }
  const lines = a.chain.map(recordLine);
  if (a.status === 'records') lines.push(...a.records.map(recordLine));
  else lines.push(`; ${a.name} ${a.type}: ${a.status === 'nxdomain' ? 'no such name (NXDOMAIN)' : 'no records of this type'}`);
  lines.push(`;   ↳ ${describeSource(a.source, root, now)}`);
  return lines;
}

export function reverseLines(r: ReverseResult, root: string, now: number, live: boolean): string[] {
  const lines = answerLines(r.ptr, root, now, live);
  if (r.ptr.status === 'records') {
    const verdict = r.confirmed === 'yes' ? 'resolves back to the address' : r.confirmed === 'no' ? 'does NOT resolve back to the address' : 'forward check unknown';
    lines.push(`;   PTR ${verdict}`);
  }
  return lines;
}
