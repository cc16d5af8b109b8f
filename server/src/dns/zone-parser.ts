/**
 * RFC 1035 master-file parser: $ORIGIN, $TTL, $INCLUDE, relative names, '@', blank owners,
 * parentheses across lines, comments, quoted and multi-string TXT, TTL units (1h30m).
 * A bad record is reported with its exact Location and skipped; the rest still loads.
 * Record types the view does not model (SRV, CAA, ...) are kept only as "this name exists",
 * so that a query for them answers nodata rather than nxdomain, as a server would.
 */
import type { Location } from '../core/text';
import { LineIndex } from '../core/text';
import type { DnsRecord, RRType } from './types';
import { normalizeName } from './names';
import { ZoneScanner } from './zone-scanner';
import { decodeBytes, needsDecoding, parseRdata, parseTtl, type RdataSource } from './zone-rdata';

export { parseTtl };

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

const MODELLED: ReadonlySet<string> = new Set<RRType>(['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA']);
/** Types a zone may legitimately hold that the view ignores (their owner still exists). */
const KNOWN_OTHER = new Set([
  'SRV', 'CAA', 'TLSA', 'SSHFP', 'DS', 'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY',
  'HINFO', 'NAPTR', 'SPF', 'LOC', 'RP', 'DNAME', 'URI', 'SVCB', 'HTTPS', 'OPENPGPKEY', 'SMIMEA', 'CERT',
  'AFSDB', 'KX', 'APL', 'DHCID', 'ZONEMD', 'CSYNC', 'NULL', 'EUI48', 'EUI64', 'L32', 'L64', 'LP', 'NID',
]);
const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
const MAX_INCLUDE_DEPTH = 8;

/** Whether a word, already in upper case, names a record type. */
function isTypeWord(upper: string): boolean {
  return MODELLED.has(upper) || KNOWN_OTHER.has(upper) || /^TYPE\d+$/.test(upper);
}

function startsWithDigit(raw: string): boolean {
  const c = raw.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** Parses one zone text; `$INCLUDE` files are parsed through `options.readInclude`. */
export function parseZoneText(file: string, text: string, options: ParseZoneOptions = {}): ParsedZoneText {
  const result: ParsedZoneText = { records: [], others: [], errors: [], origins: [], files: [file] };
  const initial = options.origin === undefined ? undefined : normalizeName(options.origin);
  if (initial !== undefined) result.origins.push(initial);
  const state: State = { origin: initial, ttl: options.defaultTtl, owner: undefined };
  new FileParser(result, file, text, state, options, [file]).parseInto(result.errors);
  return result;
}

interface State {
  origin: string | undefined;
  ttl: number | undefined;
  owner: string | undefined;
  lastTtl?: number;
}

/** One file of a zone (the top file or an included one), parsed entry by entry. */
class FileParser implements RdataSource {
  readonly tokens: ZoneScanner;
  private readonly index: LineIndex;
  /** Syntax errors come first in a file's errors, then those of its entries in order. */
  private readonly syntaxErrors: ZoneError[] = [];
  private readonly entryErrors: ZoneError[] = [];
  /** The current entry's type token and end, where a problem without a token of its own is shown. */
  private typeToken = 0;
  private entryEnd = 0;

  constructor(
    private readonly result: ParsedZoneText,
    private readonly file: string,
    text: string,
    private readonly state: State,
    private readonly options: ParseZoneOptions,
    private readonly stack: readonly string[],
  ) {
    this.index = new LineIndex(text);
    this.tokens = new ZoneScanner(text, (message, start, end) => this.syntaxErrors.push(this.zoneError(message, start, end, 'error')));
  }

  /** Parses the file, appending its records to the result and its errors to `errors`. */
  parseInto(errors: ZoneError[]): void {
    const tokens = this.tokens;
    while (tokens.next()) {
      if (tokens.broken) continue;
      this.entryEnd = tokens.end(tokens.count - 1);
      if (!tokens.blankOwner && !tokens.isQuoted(0) && this.charAt(0) === '$') this.directive();
      else this.record();
    }
    for (const e of this.syntaxErrors) errors.push(e);
    for (const e of this.entryErrors) errors.push(e);
  }

  absolute(k: number): string | undefined {
    const raw = this.tokens.raw(k);
    const origin = this.state.origin;
    if (raw === '@') {
      if (origin === undefined) this.tokenError("'@' used but no $ORIGIN is known", k);
      return origin;
    }
    // Names rarely hold escapes: skip the byte round trip for the common case.
    const name = needsDecoding(raw) ? decodeBytes(raw).toString('utf8') : raw;
    if (name.endsWith('.')) return normalizeName(name);
    if (origin === undefined) {
      this.tokenError(`relative name '${raw}' but no $ORIGIN is known`, k);
      return undefined;
    }
    return normalizeName(origin === '' ? name : `${name}.${origin}`);
  }

  problem(message: string, k?: number): void {
    if (k === undefined) this.error(message, this.tokens.start(this.typeToken), this.entryEnd);
    else this.tokenError(message, k);
  }

  private directive(): void {
    const tokens = this.tokens;
    const first = tokens.raw(0);
    const start = tokens.start(0);
    const directive = first.toUpperCase();
    const hasArgument = tokens.count > 1;
    if (directive === '$ORIGIN') {
      if (!hasArgument) return this.error('$ORIGIN needs a name', start, tokens.end(0));
      const name = this.absoluteOrDotted(1);
      if (name !== undefined) {
        this.state.origin = name;
        this.result.origins.push(name);
      }
    } else if (directive === '$TTL') {
      const ttl = hasArgument ? parseTtl(tokens.raw(1)) : undefined;
      if (ttl === undefined) this.error('$TTL needs a TTL (seconds, or units such as 1h)', start, this.entryEnd);
      else this.state.ttl = ttl;
    } else if (directive === '$INCLUDE') {
      if (!hasArgument) return this.error('$INCLUDE needs a file name', start, tokens.end(0));
      this.include(start);
    } else {
      this.error(`unsupported directive ${first}`, start, this.entryEnd, directive === '$GENERATE' ? 'warning' : 'error');
    }
  }

  /** `$ORIGIN` and `$INCLUDE` take a name ending in a dot as it stands, escapes and all. */
  private absoluteOrDotted(k: number): string | undefined {
    const raw = this.tokens.raw(k);
    return raw.endsWith('.') ? normalizeName(raw) : this.absolute(k);
  }

  private include(start: number): void {
    const { tokens, state, options, stack } = this;
    const path = decodeBytes(tokens.raw(1)).toString('utf8');
    if (!options.readInclude) return this.error(`$INCLUDE ${path}: includes are not read here`, start, this.entryEnd);
    if (stack.length >= MAX_INCLUDE_DEPTH) return this.error('$INCLUDE nested too deeply', start, this.entryEnd);
    const read = options.readInclude(path, this.file);
    if ('error' in read) return this.tokenError(`$INCLUDE ${path}: ${read.error}`, 1);
    if (stack.includes(read.file)) return this.tokenError(`$INCLUDE ${path}: includes itself (loop)`, 1);
    let origin = state.origin;
    if (tokens.count > 2) {
      const o = this.absoluteOrDotted(2);
      if (o === undefined) return;
      origin = o;
    }
    this.result.files.push(read.file);
    // The included file starts with its own origin and owner; the parent's are restored after (RFC 1035 §5.1).
    const included: State = { origin, ttl: state.ttl, owner: undefined, lastTtl: state.lastTtl };
    new FileParser(this.result, read.file, read.text, included, options, [...stack, read.file]).parseInto(this.entryErrors);
  }

  // [owner] [ttl] [class] type rdata   (ttl and class in either order)
  private record(): void {
    const { tokens, state } = this;
    const start = tokens.start(0);
    let pos = 0;
    let owner: string | undefined;
    if (tokens.blankOwner) {
      owner = state.owner;
      if (owner === undefined) return this.error('record without owner name and no previous owner', start, this.entryEnd);
    } else {
      owner = this.absolute(0);
      pos = 1;
      if (owner === undefined) return;
    }
    let ttl: number | undefined;
    let klass: string | undefined;
    for (let k = 0; k < 2 && pos < tokens.count; k++) {
      if (tokens.isQuoted(pos)) break;
      const raw = tokens.raw(pos);
      if (ttl === undefined && startsWithDigit(raw)) {
        const v = parseTtl(raw);
        if (v === undefined) break;
        ttl = v;
        pos++;
      } else if (klass === undefined) {
        const upper = raw.toUpperCase();
        if (!CLASSES.has(upper)) break;
        klass = upper;
        pos++;
      } else break;
    }
    if (pos >= tokens.count) return this.error('record without type', start, this.entryEnd);
    this.typeToken = pos;
    const typeRaw = tokens.raw(pos);
    const type = typeRaw.toUpperCase();
    if (tokens.isQuoted(pos) || !isTypeWord(type)) return this.tokenError(`unknown record type '${typeRaw}'`, pos);
    state.owner = owner;
    if (klass && klass !== 'IN') return this.error(`class ${klass} ignored: only IN is served`, start, this.entryEnd, 'warning');
    const at = this.location(start, this.entryEnd);
    const effectiveTtl = ttl ?? state.ttl ?? state.lastTtl ?? 3600;
    if (ttl !== undefined) state.lastTtl = ttl;
    if (!MODELLED.has(type)) {
      this.result.others.push({ name: owner, type, at });
      return;
    }
    const record = parseRdata(owner, type as RRType, effectiveTtl, pos + 1, at, this);
    if (record) {
      this.result.records.push(record);
      // Without $TTL, SOA's minimum was the traditional default TTL (BIND); an explicit $TTL wins.
      if (record.type === 'SOA' && state.ttl === undefined && ttl === undefined) state.ttl = record.data.minimum;
    }
  }

  private charAt(k: number): string {
    return this.index.text[this.tokens.start(k)];
  }

  private location(start: number, end: number): Location {
    return { file: this.file, range: this.index.range(start, end) };
  }

  private zoneError(message: string, start: number, end: number, severity: ZoneError['severity']): ZoneError {
    return { message, at: this.location(start, end), severity };
  }

  private error(message: string, start: number, end: number, severity: ZoneError['severity'] = 'error'): void {
    this.entryErrors.push(this.zoneError(message, start, end, severity));
  }

  private tokenError(message: string, k: number): void {
    this.error(message, this.tokens.start(k), this.tokens.end(k));
  }
}
