/**
 * The zone parser as it was at b6f179d, frozen as the oracle of the differential test
 * (zone-parser-equivalence.test.ts): the faster parser must give the same records and errors.
 * Not used by the product.
 */
/**
 * RFC 1035 master-file parser: $ORIGIN, $TTL, $INCLUDE, relative names, '@', blank owners,
 * parentheses across lines, comments, quoted and multi-string TXT, TTL units (1h30m).
 * A bad record is reported with its exact Location and skipped; the rest still loads.
 * Record types the view does not model (SRV, CAA, ...) are kept only as "this name exists",
 * so that a query for them answers nodata rather than nxdomain, as a server would.
 */
import type { Location } from '../../../../server/src/core/text';
import { LineIndex } from '../../../../server/src/core/text';
import type { DnsRecord, RRType, SoaData } from '../../../../server/src/dns/types';
import { canonicalAddress } from '../../../../server/src/dns/names';
import { Address4, Address6 } from 'ip-address';

export interface ZoneError {
  readonly message: string;
  readonly at: Location;
  readonly severity: 'error' | 'warning';
}

/** A record of a type the view does not model: it only proves its owner exists. */
export interface OtherRecord {
  readonly name: string;
  readonly type: string;
  readonly at: Location;
}

export interface ParsedZoneText {
  readonly records: DnsRecord[];
  readonly others: OtherRecord[];
  readonly errors: ZoneError[];
  /** The origin in effect at the start (from options), then each `$ORIGIN` in order. */
  readonly origins: string[];
  /** Every file read, the top file first (for watching). */
  readonly files: string[];
}

export type IncludeReader = (path: string, fromFile: string) => { file: string; text: string } | { error: string };

export interface ParseZoneOptions {
  /** Initial origin (normalized or with trailing dot); relative names need one. */
  readonly origin?: string;
  readonly defaultTtl?: number;
  /** Reads `$INCLUDE` files; without it `$INCLUDE` is reported as an error. */
  readonly readInclude?: IncludeReader;
}

/** normalizeName as of b6f179d, so that this oracle does not share the code under test. */
function normalizeName(name: string): string {
  let n = name.trim().toLowerCase();
  while (n.endsWith('.') && n.length > 1) n = n.slice(0, -1);
  return n === '.' ? '' : n;
}

const MODELLED: ReadonlySet<string> = new Set<RRType>(['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA']);
/** Types a zone may legitimately hold that the view ignores (their owner still exists). */
const KNOWN_OTHER = new Set([
  'SRV', 'CAA', 'TLSA', 'SSHFP', 'DS', 'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY',
  'HINFO', 'NAPTR', 'SPF', 'LOC', 'RP', 'DNAME', 'URI', 'SVCB', 'HTTPS', 'OPENPGPKEY', 'SMIMEA', 'CERT',
  'AFSDB', 'KX', 'APL', 'DHCID', 'ZONEMD', 'CSYNC', 'NULL', 'EUI48', 'EUI64', 'L32', 'L64', 'LP', 'NID',
]);
const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
const MAX_INCLUDE_DEPTH = 8;
const MAX_TTL = 2147483647;

interface Token {
  /** Text without surrounding quotes, escapes still in place. */
  readonly raw: string;
  readonly quoted: boolean;
  readonly start: number;
  readonly end: number;
  /** An unterminated quoted string (already reported): the entry is skipped. */
  readonly broken?: boolean;
}

interface Entry {
  readonly tokens: Token[];
  /** The entry's line began with white space: the owner is the previous one. */
  readonly blankOwner: boolean;
  readonly start: number;
}

/** Splits a master file into entries (logical lines: parentheses join physical lines). */
function tokenize(text: string, report: (msg: string, start: number, end: number) => void): Entry[] {
  const entries: Entry[] = [];
  let tokens: Token[] = [];
  let depth = 0;
  let parenStart = 0;
  let lineStart = 0;
  let blankOwner = false;
  let entryStart = 0;
  let i = 0;
  const flush = () => {
    if (tokens.length) entries.push({ tokens, blankOwner, start: entryStart });
    tokens = [];
  };
  const atLineStart = (pos: number) => {
    lineStart = pos;
    if (depth === 0) {
      flush();
      const c = text[pos];
      blankOwner = c === ' ' || c === '\t';
      entryStart = pos;
    }
  };
  atLineStart(0);
  while (i < text.length) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      atLineStart(i);
      continue;
    }
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === ';') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) parenStart = i;
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) report("')' without '('", i, i + 1);
      else depth--;
      i++;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      let raw = '';
      let closed = false;
      while (i < text.length) {
        const d = text[i];
        if (d === '\\' && i + 1 < text.length) { raw += d + text[i + 1]; i += 2; continue; }
        if (d === '"') { closed = true; i++; break; }
        if ((d === '\n' || d === '\r') && depth === 0) break;
        raw += d;
        i++;
      }
      if (!closed) report('unterminated quoted string', start, i);
      tokens.push({ raw, quoted: true, start, end: i, broken: !closed });
      continue;
    }
    const start = i;
    while (i < text.length) {
      const d = text[i];
      if (d === '\\' && i + 1 < text.length) { i += 2; continue; }
      if (d === ' ' || d === '\t' || d === '\n' || d === '\r' || d === ';' || d === '(' || d === ')' || d === '"') break;
      i++;
    }
    tokens.push({ raw: text.slice(start, i), quoted: false, start, end: i });
  }
  if (depth > 0) report("'(' without ')'", parenStart, parenStart + 1);
  void lineStart;
  flush();
  return entries;
}

/** Character-string bytes: `\DDD` is a decimal byte, `\X` is X. */
function decodeBytes(raw: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const m = /^\d{3}/.exec(raw.slice(i + 1, i + 4));
      if (m) {
        out.push(Number(m[0]) & 0xff);
        i += 3;
      } else {
        out.push(...Buffer.from(raw[i + 1], 'utf8'));
        i += 1;
      }
      continue;
    }
    out.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(out);
}

/** TTL: seconds, or units like 1h30m (BIND). */
export function parseTtl(raw: string): number | undefined {
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    return n <= MAX_TTL ? n : undefined;
  }
  if (!/^(\d+[smhdw])+$/i.test(raw)) return undefined;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of raw.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * unit[m[2]];
  return total <= MAX_TTL ? total : undefined;
}

function isTypeWord(word: string): boolean {
  const w = word.toUpperCase();
  return MODELLED.has(w) || KNOWN_OTHER.has(w) || /^TYPE\d+$/.test(w);
}

interface FileContext {
  readonly file: string;
  readonly index: LineIndex;
}

/** Parses one zone text; `$INCLUDE` files are parsed through `options.readInclude`. */
export function parseZoneText(file: string, text: string, options: ParseZoneOptions = {}): ParsedZoneText {
  const result: ParsedZoneText = { records: [], others: [], errors: [], origins: [], files: [file] };
  const initial = options.origin === undefined ? undefined : normalizeName(options.origin);
  if (initial !== undefined) result.origins.push(initial);
  parseInto(result, file, text, { origin: initial, ttl: options.defaultTtl, owner: undefined }, options, [file]);
  return result;
}

interface State {
  origin: string | undefined;
  ttl: number | undefined;
  owner: string | undefined;
  lastTtl?: number;
}

function parseInto(
  result: ParsedZoneText,
  file: string,
  text: string,
  state: State,
  options: ParseZoneOptions,
  stack: string[],
): void {
  const ctx: FileContext = { file, index: new LineIndex(text) };
  const loc = (start: number, end: number): Location => ({ file, range: ctx.index.range(start, end) });
  const error = (message: string, start: number, end: number, severity: 'error' | 'warning' = 'error') =>
    result.errors.push({ message, at: loc(start, end), severity });

  const entries = tokenize(text, (m, s, e) => error(m, s, e));

  const absolute = (tok: Token): string | undefined => {
    const raw = tok.raw;
    if (raw === '@') {
      if (state.origin === undefined) error("'@' used but no $ORIGIN is known", tok.start, tok.end);
      return state.origin;
    }
    // Names rarely hold escapes: skip the byte round trip for the common case.
    const name = /[\\\uD800-\uDFFF]/.test(raw) ? decodeBytes(raw).toString('utf8') : raw;
    if (name.endsWith('.')) return normalizeName(name);
    if (state.origin === undefined) {
      error(`relative name '${raw}' but no $ORIGIN is known`, tok.start, tok.end);
      return undefined;
    }
    return normalizeName(state.origin === '' ? name : `${name}.${state.origin}`);
  };

  for (const entry of entries) {
    const toks = entry.tokens;
    if (toks.some((t) => t.broken)) continue;
    const first = toks[0];
    const entryEnd = toks[toks.length - 1].end;
    if (!entry.blankOwner && first.raw.startsWith('$') && !first.quoted) {
      const directive = first.raw.toUpperCase();
      if (directive === '$ORIGIN') {
        if (!toks[1]) { error('$ORIGIN needs a name', first.start, first.end); continue; }
        const name = toks[1].raw.endsWith('.') ? normalizeName(toks[1].raw) : absolute(toks[1]);
        if (name !== undefined) {
          state.origin = name;
          result.origins.push(name);
        }
      } else if (directive === '$TTL') {
        const ttl = toks[1] ? parseTtl(toks[1].raw) : undefined;
        if (ttl === undefined) error('$TTL needs a TTL (seconds, or units such as 1h)', first.start, entryEnd);
        else state.ttl = ttl;
      } else if (directive === '$INCLUDE') {
        if (!toks[1]) { error('$INCLUDE needs a file name', first.start, first.end); continue; }
        const path = decodeBytes(toks[1].raw).toString('utf8');
        if (!options.readInclude) { error(`$INCLUDE ${path}: includes are not read here`, first.start, entryEnd); continue; }
        if (stack.length >= MAX_INCLUDE_DEPTH) { error('$INCLUDE nested too deeply', first.start, entryEnd); continue; }
        const read = options.readInclude(path, file);
        if ('error' in read) { error(`$INCLUDE ${path}: ${read.error}`, toks[1].start, toks[1].end); continue; }
        if (stack.includes(read.file)) { error(`$INCLUDE ${path}: includes itself (loop)`, toks[1].start, toks[1].end); continue; }
        let origin = state.origin;
        if (toks[2]) {
          const o = toks[2].raw.endsWith('.') ? normalizeName(toks[2].raw) : absolute(toks[2]);
          if (o === undefined) continue;
          origin = o;
        }
        result.files.push(read.file);
        // The included file starts with its own origin and owner; the parent's are restored after (RFC 1035 §5.1).
        parseInto(result, read.file, read.text, { origin, ttl: state.ttl, owner: undefined, lastTtl: state.lastTtl }, options, [...stack, read.file]);
      } else {
        error(`unsupported directive ${first.raw}`, first.start, entryEnd, directive === '$GENERATE' ? 'warning' : 'error');
      }
      continue;
    }

    // [owner] [ttl] [class] type rdata   (ttl and class in either order)
    let pos = 0;
    let owner: string | undefined;
    if (entry.blankOwner) {
      owner = state.owner;
      if (owner === undefined) { error('record without owner name and no previous owner', first.start, entryEnd); continue; }
    } else {
      owner = absolute(first);
      pos = 1;
      if (owner === undefined) continue;
    }
    let ttl: number | undefined;
    let klass: string | undefined;
    for (let k = 0; k < 2 && pos < toks.length; k++) {
      const t = toks[pos];
      if (t.quoted) break;
      if (ttl === undefined && /^\d/.test(t.raw)) {
        const v = parseTtl(t.raw);
        if (v === undefined) break;
        ttl = v;
        pos++;
      } else if (klass === undefined && CLASSES.has(t.raw.toUpperCase())) {
        klass = t.raw.toUpperCase();
        pos++;
      } else break;
    }
    const typeTok = toks[pos];
    if (!typeTok) { error('record without type', first.start, entryEnd); continue; }
    const type = typeTok.raw.toUpperCase();
    if (typeTok.quoted || !isTypeWord(type)) {
      error(`unknown record type '${typeTok.raw}'`, typeTok.start, typeTok.end);
      continue;
    }
    state.owner = owner;
    if (klass && klass !== 'IN') {
      error(`class ${klass} ignored: only IN is served`, first.start, entryEnd, 'warning');
      continue;
    }
    const rdata = toks.slice(pos + 1);
    const at = loc(first.start, entryEnd);
    const effectiveTtl = ttl ?? state.ttl ?? state.lastTtl ?? 3600;
    if (ttl !== undefined) state.lastTtl = ttl;
    if (!MODELLED.has(type)) {
      result.others.push({ name: owner, type, at });
      continue;
    }
    const record = parseRdata(owner, type as RRType, effectiveTtl, rdata, at, absolute, (m, t) =>
      error(m, t ? t.start : typeTok.start, t ? t.end : entryEnd),
    );
    if (record) {
      result.records.push(record);
      // Without $TTL, SOA's minimum was the traditional default TTL (BIND); an explicit $TTL wins.
      if (record.type === 'SOA' && state.ttl === undefined && ttl === undefined) state.ttl = record.data.minimum;
    }
  }
}

function parseRdata(
  name: string,
  type: RRType,
  ttl: number,
  rdata: Token[],
  at: Location,
  absolute: (tok: Token) => string | undefined,
  error: (message: string, tok?: Token) => void,
): DnsRecord | undefined {
  const need = (n: number, what: string): boolean => {
    if (rdata.length < n) { error(`${type} needs ${what}`); return false; }
    if (rdata.length > n) { error(`unexpected '${rdata[n].raw}' after ${type} data`, rdata[n]); return false; }
    return true;
  };
  switch (type) {
    case 'A': {
      if (!need(1, 'an IPv4 address')) return undefined;
      const raw = rdata[0].raw;
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(raw) || !Address4.isValid(raw)) { error(`'${raw}' is not an IPv4 address`, rdata[0]); return undefined; }
      return { name, type, ttl, data: canonicalAddress(raw)!, at };
    }
    case 'AAAA': {
      if (!need(1, 'an IPv6 address')) return undefined;
      const raw = rdata[0].raw;
      if (!Address6.isValid(raw) || raw.includes('/') || raw.includes('%')) { error(`'${raw}' is not an IPv6 address`, rdata[0]); return undefined; }
      return { name, type, ttl, data: new Address6(raw).correctForm(), at };
    }
    case 'CNAME':
    case 'PTR':
    case 'NS': {
      if (!need(1, 'a domain name')) return undefined;
      const target = absolute(rdata[0]);
      return target === undefined ? undefined : { name, type, ttl, data: target, at };
    }
    case 'MX': {
      if (!need(2, 'a preference and an exchange')) return undefined;
      const pref = rdata[0].raw;
      if (!/^\d+$/.test(pref) || Number(pref) > 65535) { error(`MX preference '${pref}' is not 0..65535`, rdata[0]); return undefined; }
      const exchange = absolute(rdata[1]);
      return exchange === undefined ? undefined : { name, type, ttl, data: { preference: Number(pref), exchange }, at };
    }
    case 'TXT': {
      if (rdata.length === 0) { error('TXT needs at least one character string'); return undefined; }
      const strings: string[] = [];
      for (const tok of rdata) {
        const bytes = decodeBytes(tok.raw);
        if (bytes.length > 255) { error(`TXT character string of ${bytes.length} bytes: at most 255 per string (split it into several quoted strings)`, tok); return undefined; }
        strings.push(bytes.toString('utf8'));
      }
      return { name, type, ttl, data: strings, at };
    }
    case 'SOA': {
      if (!need(7, 'mname rname serial refresh retry expire minimum')) return undefined;
      const mname = absolute(rdata[0]);
      const rname = absolute(rdata[1]);
      if (mname === undefined || rname === undefined) return undefined;
      const nums: number[] = [];
      for (let k = 2; k < 7; k++) {
        const v = k === 2 ? (/^\d+$/.test(rdata[k].raw) && Number(rdata[k].raw) <= 4294967295 ? Number(rdata[k].raw) : undefined) : parseTtl(rdata[k].raw);
        if (v === undefined) { error(`SOA field '${rdata[k].raw}' is not a number`, rdata[k]); return undefined; }
        nums.push(v);
      }
      const data: SoaData = { mname, rname, serial: nums[0], refresh: nums[1], retry: nums[2], expire: nums[3], minimum: nums[4] };
      return { name, type, ttl, data, at };
    }
  }
  return undefined;
}
