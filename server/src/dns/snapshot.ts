/**
 * Writes DNS answers as a master file that the zone parser reads back to the same answers,
 * so a repository can commit the DNS it was reviewed against (`infra-review dns snapshot`).
 *
 * Every name that has records or a nodata answer becomes its own zone ($ORIGIN with a
 * synthetic SOA): it exists, and a type it lacks reads back as nodata. A name that did not
 * exist is left out of the zone of its nearest existing ancestor, so it reads back as
 * nxdomain; when no ancestor is in the snapshot, that ancestor gets an SOA-only section.
 * Names outside every section stay unknown, as they should: the snapshot says nothing of them.
 * Unknown answers are listed in a comment; a name that was unknown and lies inside a section
 * is delegated away (an NS record at it) so that it reads back as unknown, not nxdomain.
 */
import type { DnsAnswer, DnsRecord } from './types';
import { normalizeName, parentName } from './names';

export interface SnapshotOptions {
  /** Written in the header; default now. */
  readonly generatedAt?: Date;
  /** Extra header comment lines (e.g. the command that produced the file). */
  readonly comment?: readonly string[];
  /** TTL of the synthetic SOA records and their negative-caching minimum. Default 3600. */
  readonly soaTtl?: number;
}

const SOA_HOST = 'snapshot.infra-review.invalid.';

function absolute(name: string): string {
  return name === '' ? '.' : `${name}.`;
}

/** A TXT character string in quotes: `"` and `\` escaped, bytes outside printable ASCII as \DDD. */
export function quoteCharacterString(text: string): string {
  let out = '"';
  for (const b of Buffer.from(text, 'utf8')) {
    if (b === 0x22 || b === 0x5c) out += '\\' + String.fromCharCode(b);
    else if (b < 0x20 || b > 0x7e) out += '\\' + String(b).padStart(3, '0');
    else out += String.fromCharCode(b);
  }
  return out + '"';
}

/** Splits a TXT string longer than 255 bytes into several (the wire form cannot hold it). */
function txtStrings(strings: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of strings) {
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length <= 255) out.push(s);
    else for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255).toString('utf8'));
  }
  return out;
}

function rdata(r: DnsRecord): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.data;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return absolute(r.data);
    case 'MX':
      return `${r.data.preference} ${absolute(r.data.exchange)}`;
    case 'TXT':
      return txtStrings(r.data).map(quoteCharacterString).join(' ');
    case 'SOA': {
      const d = r.data;
      return `${absolute(d.mname)} ${absolute(d.rname)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    }
  }
}

function recordKey(r: DnsRecord): string {
  return `${r.type} ${rdata(r)}`;
}

/** Renders answers (records, nxdomain, nodata; CNAME chains included) as one master file. */
export function writeSnapshot(answers: Iterable<DnsAnswer>, options: SnapshotOptions = {}): string {
  const soaTtl = options.soaTtl ?? 3600;
  const records = new Map<string, Map<string, DnsRecord>>();
  const exists = new Set<string>();
  const missing = new Set<string>();
  const unknown: string[] = [];
  const unknownNames = new Set<string>();
  const addRecord = (r: DnsRecord) => {
    const owner = normalizeName(r.name);
    let m = records.get(owner);
    if (!m) records.set(owner, (m = new Map()));
    m.set(recordKey(r), r);
    exists.add(owner);
  };
  for (const a of answers) {
    if (a.status === 'unknown') {
      unknown.push(`${a.name} ${a.type}: ${a.reason}`);
      unknownNames.add(normalizeName(a.name));
      continue;
    }
    for (const r of a.chain) addRecord(r);
    // The answer is about the end of the chain.
    const last = a.chain[a.chain.length - 1];
    const end = last ? normalizeName(last.data as string) : normalizeName(a.name);
    if (a.status === 'records') for (const r of a.records) addRecord(r);
    else if (a.status === 'nodata') exists.add(end);
    else missing.add(end);
  }
  for (const n of exists) missing.delete(n);
  exists.delete('');

  // Each nonexistent name needs a zone above it that lacks it.
  const soaOnly = new Set<string>();
  for (const name of missing) {
    let closestNonMissing: string | undefined;
    let found = false;
    for (let p = parentName(name); p !== undefined && p !== ''; p = parentName(p)) {
      if (exists.has(p)) { found = true; break; }
      if (closestNonMissing === undefined && !missing.has(p)) closestNonMissing = p;
    }
    if (!found && closestNonMissing !== undefined) soaOnly.add(closestNonMissing);
  }
  for (const n of soaOnly) exists.add(n);

  // An unanswered name inside a section would read back as nxdomain: cut it out of the section.
  const cuts = new Map<string, string[]>();
  for (const name of unknownNames) {
    if (exists.has(name) || missing.has(name)) continue;
    for (let p = parentName(name); p !== undefined && p !== ''; p = parentName(p)) {
      if (missing.has(p)) break;
      if (exists.has(p)) {
        cuts.set(p, [...(cuts.get(p) ?? []), name]);
        break;
      }
    }
  }

  const date = (options.generatedAt ?? new Date()).toISOString();
  const lines: string[] = [
    `; infra-review DNS snapshot, written ${date}.`,
    '; Read it back with `infra-review check --zone FILE`. Each name is its own section (an',
    '; $ORIGIN with a synthetic SOA): a type it lacks reads back as nodata; a listed name that',
    '; does not exist is absent from the section above it (nxdomain); other names stay unknown.',
    ...(options.comment ?? []).map((c) => `; ${c}`),
  ];
  if (unknown.length) {
    lines.push('; Not written (DNS could not answer):');
    for (const u of [...new Set(unknown)].sort()) lines.push(`;   ${u}`);
  }
  const nx = [...missing].filter((n) => n !== '').sort(byHierarchy);
  if (nx.length) {
    lines.push('; Names that do not exist (nxdomain):');
    for (const n of nx) lines.push(`;   ${n}`);
  }
  lines.push(`$TTL ${soaTtl}`);
  for (const owner of [...exists].sort(byHierarchy)) {
    lines.push('', `$ORIGIN ${absolute(owner)}`);
    const own = [...(records.get(owner)?.values() ?? [])].sort((a, b) => (recordKey(a) < recordKey(b) ? -1 : 1));
    if (!own.some((r) => r.type === 'SOA')) {
      lines.push(`@\t${soaTtl}\tIN\tSOA\t${SOA_HOST} hostmaster.${SOA_HOST} 1 ${soaTtl} 600 86400 ${soaTtl}`);
    }
    for (const r of own) lines.push(`@\t${r.ttl}\tIN\t${r.type}\t${rdata(r)}`);
    for (const cut of (cuts.get(owner) ?? []).sort(byHierarchy)) lines.push(`${absolute(cut)}\t0\tIN\tNS\tunanswered.${SOA_HOST}\t; unknown when snapshotted`);
  }
  return lines.join('\n') + '\n';
}

/** Orders names so a parent comes before its children and siblings sort together. */
function byHierarchy(a: string, b: string): number {
  const ka = a.split('.').reverse().join('.');
  const kb = b.split('.').reverse().join('.');
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
