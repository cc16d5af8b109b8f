/**
 * Zones loaded from master files, and the set of them the view consults first. A zone is
 * authoritative for its apex: a name below it without records does not exist (nxdomain),
 * except below a delegation (NS at a name under the apex), which the zone cannot answer for.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { DnsRecord, DnsSource, RRType } from './types';
import { isAtOrBelow, normalizeName, parentName } from './names';
import type { OtherRecord, ParsedZoneText, ZoneError } from './zone-parser';
import { parseZoneText } from './zone-parser';

interface ZoneNode {
  readonly records: DnsRecord[];
  /** Holds records of types the view does not model. */
  hasOther: boolean;
}

/** One authoritative zone (or the part of it one file contributes). */
export class Zone {
  private readonly nodes = new Map<string, ZoneNode>();
  /**
   * Names that exist: owners and their ancestors up to the apex (empty non-terminals). Built
   * on the first question that needs it: a reverse zone's owners have some 20 ancestors each
   * (33,000 names for the 1,600-host fleet), and most questions are answered without them.
   */
  private existingNames: Set<string> | undefined;
  /** Length of the longest owner name: a name with a descendant is at least 2 shorter. */
  private longestOwner = 0;
  private readonly cuts = new Set<string>();
  /** Has an owner `*` or `*.…`: without one, a missing name is nxdomain without the walk up to its closest encloser. */
  private hasWildcards = false;

  constructor(readonly apex: string, readonly file: string) {}

  add(record: DnsRecord | OtherRecord): void {
    let node = this.nodes.get(record.name);
    if (!node) {
      node = { records: [], hasOther: false };
      this.nodes.set(record.name, node);
      this.existingNames = undefined;
      if (record.name.length > this.longestOwner) this.longestOwner = record.name.length;
    }
    if ('data' in record) node.records.push(record);
    else node.hasOther = true;
    if (record.type === 'NS' && record.name !== this.apex) this.cuts.add(record.name);
    if (record.name === '*' || record.name.startsWith('*.')) this.hasWildcards = true;
  }

  /** Does the name exist in this zone: the apex, an owner, or an empty non-terminal above owners? */
  private exists(name: string): boolean {
    if (name === this.apex || this.nodes.has(name)) return true;
    // Nothing is below a name too long to have a descendant (a reverse lookup of a full
    // address, as long as the owners): no need for the ancestor set.
    if (name.length + 2 > this.longestOwner) return false;
    return this.existing().has(name);
  }

  private existing(): Set<string> {
    if (this.existingNames) return this.existingNames;
    const existing = new Set<string>([this.apex]);
    for (const owner of this.nodes.keys()) {
      for (let n: string | undefined = owner; n !== undefined && !existing.has(n); n = parentName(n)) {
        existing.add(n);
        if (n === this.apex) break;
      }
    }
    this.existingNames = existing;
    return existing;
  }

  get records(): DnsRecord[] {
    return [...this.nodes.values()].flatMap((n) => n.records);
  }

  /** Is the name inside this zone's authority (at/below the apex, not at/below a delegation)? */
  covers(name: string): boolean {
    if (!isAtOrBelow(name, this.apex)) return false;
    if (this.cuts.size === 0) return true; // most zones delegate nothing: no walk up the name
    for (let n: string | undefined = name; n !== undefined && n !== this.apex; n = parentName(n)) {
      if (this.cuts.has(n)) return false;
    }
    return true;
  }

  lookup(name: string, type: RRType): ZoneLookup {
    return this.covers(name) ? this.answer(name, type) : { kind: 'outside' };
  }

  /** The answer for a name this zone covers (the caller has checked). */
  answer(name: string, type: RRType): Exclude<ZoneLookup, { kind: 'outside' }> {
    let node = this.nodes.get(name);
    let owner = name;
    if (!node && !this.exists(name)) {
      if (!this.hasWildcards) return { kind: 'nxdomain', zone: this };
      // Wildcard (RFC 4592): '*' directly below the closest encloser synthesizes the answer.
      let encloser = parentName(name);
      while (encloser !== undefined && !this.exists(encloser)) encloser = parentName(encloser);
      const wild = encloser === undefined ? undefined : this.nodes.get(encloser === '' ? '*' : `*.${encloser}`);
      if (!wild) return { kind: 'nxdomain', zone: this };
      node = wild;
      owner = name;
    }
    if (!node) return { kind: 'nodata', zone: this };
    // Index loops rather than find/filter/map with a closure, or for-of, whose iterator results
    // the code allocates until it is optimised: a fleet's review asks some 14,000 questions.
    const all = node.records;
    if (type !== 'CNAME') {
      for (let i = 0; i < all.length; i++) if (all[i].type === 'CNAME') return { kind: 'cname', record: renamed(all[i], owner), zone: this };
    }
    const records: DnsRecord[] = [];
    for (let i = 0; i < all.length; i++) if (all[i].type === type) records.push(renamed(all[i], owner));
    return records.length ? { kind: 'records', records, zone: this } : { kind: 'nodata', zone: this };
  }
}

/** The record as an answer for `owner` (a wildcard's record answers under the name asked). */
function renamed(record: DnsRecord, owner: string): DnsRecord {
  return record.name === owner ? record : ({ ...record, name: owner } as DnsRecord);
}

export type ZoneLookup =
  | { readonly kind: 'outside' }
  | { readonly kind: 'records'; readonly records: DnsRecord[]; readonly zone: Zone }
  | { readonly kind: 'cname'; readonly record: DnsRecord; readonly zone: Zone }
  | { readonly kind: 'nxdomain' | 'nodata'; readonly zone: Zone };

export function zoneSource(zone: Zone, record?: DnsRecord): DnsSource {
  return { kind: 'zone', file: record?.at?.file ?? zone.file, origin: zone.apex };
}

/** The zones of one zone file (with its includes), and what went wrong reading it. */
export interface LoadedZoneFile {
  readonly file: string;
  readonly zones: Zone[];
  readonly errors: ZoneError[];
  /** The file and every file it includes, for watching. */
  readonly files: string[];
}

/** A zone file's origin from its name when it has no $ORIGIN: `example.org.zone`, `db.example.org`. */
export function originFromFileName(file: string): string | undefined {
  const base = basename(file);
  let m = /^(.+)\.zone$/i.exec(base);
  if (!m) m = /^db\.(.+)$/.exec(base);
  if (!m) return undefined;
  const name = normalizeName(m[1]);
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(name) ? name : undefined;
}

/** Splits parsed records into zones: one per SOA owner, else one for the first origin. */
export function buildZones(file: string, parsed: ParsedZoneText): LoadedZoneFile {
  const errors = [...parsed.errors];
  let apexes = [...new Set(parsed.records.filter((r) => r.type === 'SOA').map((r) => r.name))];
  if (apexes.length === 0 && parsed.origins.length > 0) apexes = [parsed.origins[0]];
  const zones = apexes.map((apex) => new Zone(apex, file));
  const all: (DnsRecord | OtherRecord)[] = [...parsed.records, ...parsed.others];
  if (zones.length === 0 && all.length > 0) {
    errors.push({
      message: 'zone has no SOA and no $ORIGIN: cannot tell which names it is authoritative for',
      at: all[0].at ?? { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
      severity: 'error',
    });
  }
  for (const record of all) {
    let best: Zone | undefined;
    for (const z of zones) if (isAtOrBelow(record.name, z.apex) && (!best || z.apex.length > best.apex.length)) best = z;
    if (best) best.add(record);
    else if (zones.length > 0 && record.at) {
      errors.push({ message: `${record.name || '.'} is outside the zone's origin (${apexes.join(', ')}): ignored`, at: record.at, severity: 'warning' });
    }
  }
  return { file, zones, errors, files: parsed.files };
}

function toSlash(p: string): string {
  return p.split('\\').join('/');
}

const MAX_INCLUDE_BYTES = 2 * 1024 * 1024;

function realOrResolved(p: string): string {
  try {
    return toSlash(realpathSync(p));
  } catch {
    return toSlash(resolve(p));
  }
}

/**
 * Reads `$INCLUDE` files relative to the including file's directory. A zone file is workspace
 * content, so it may only include regular files (not /dev/zero or a FIFO: the read never
 * ends) of bounded size inside the top zone file's directory, symlinks resolved: else a
 * repository could pull /etc/passwd or a CI secret into diagnostics and SARIF uploads.
 */
function includeReaderFor(topFile: string): (path: string, fromFile: string) => { file: string; text: string } | { error: string } {
  let base: string | undefined; // resolved on the first $INCLUDE: most zone files have none
  return (path, fromFile) => {
    base ??= realOrResolved(dirname(topFile));
    const file = toSlash(isAbsolute(path) ? path : resolve(dirname(fromFile), path));
    try {
      const real = toSlash(realpathSync(file));
      if (real !== base && !real.startsWith(base.endsWith('/') ? base : `${base}/`)) return { error: `not read: outside the directory of ${basename(topFile)}` };
      const st = statSync(real);
      if (!st.isFile()) return { error: 'not read: not a regular file' };
      if (st.size > MAX_INCLUDE_BYTES) return { error: `not read: larger than ${MAX_INCLUDE_BYTES} bytes` };
      return { file, text: readFileSync(real, 'utf8') };
    } catch (e) {
      return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((e as Error).message) };
    }
  };
}

export interface LoadZoneOptions {
  /** Origin when the file has no $ORIGIN before its first relative name (default: from the file name). */
  readonly origin?: string;
}

/**
 * The last parse of each zone text: the DNS view and the zone-syntax analyzer both load every
 * zone file of a run, and the editor re-analyses with unchanged zones. Only texts without
 * `$INCLUDE` are kept (an included file can change on disk behind the same text).
 */
const parsedZones = new Map<string, { text: string; loaded: LoadedZoneFile }>();
const PARSED_ZONES_LIMIT = 2000;

/** Parses zone text (an editor buffer or file content); `$INCLUDE`s are read from disk. */
export function loadZoneText(file: string, text: string, options: LoadZoneOptions = {}): LoadedZoneFile {
  const path = toSlash(resolve(file));
  const origin = options.origin ?? originFromFileName(path);
  const key = `${path}\0${origin}`;
  const hit = parsedZones.get(key);
  if (hit && hit.text === text) return hit.loaded;
  const parsed = parseZoneText(path, text, { origin, readInclude: includeReaderFor(path) });
  const loaded = buildZones(path, parsed);
  if (parsed.files.length === 1) {
    if (parsedZones.size >= PARSED_ZONES_LIMIT && !parsedZones.has(key)) parsedZones.delete(parsedZones.keys().next().value!);
    parsedZones.set(key, { text, loaded });
  } else parsedZones.delete(key);
  return loaded;
}

/** Reads and parses a zone file. An unreadable file yields no zones and one error. */
export function loadZoneFileSync(file: string, options: LoadZoneOptions = {}): LoadedZoneFile {
  const path = toSlash(resolve(file));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      file: path,
      zones: [],
      files: [path],
      errors: [{ message: `cannot read zone file: ${(e as Error).message}`, at: { file: path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, severity: 'error' }],
    };
  }
  return loadZoneText(path, text, options);
}

export async function loadZoneFile(file: string, options: LoadZoneOptions = {}): Promise<LoadedZoneFile> {
  return loadZoneFileSync(file, options);
}

/**
 * All loaded zones, keyed by the file they came from, so a changed file replaces its zones
 * (reload on change) without touching the others. The deepest zone covering a name answers.
 */
export class ZoneSet {
  private readonly byFile = new Map<string, LoadedZoneFile>();
  private sorted: Zone[] = [];
  /** The zones of `sorted` by apex, in the same order, and the lengths of those apexes (longest first, each once). */
  private byApex = new Map<string, Zone[]>();
  private apexLengths: number[] = [];
  private listeners: (() => void)[] = [];
  /** Increments on every change (callers may key memoized answers on it). */
  version = 0;

  static of(...files: LoadedZoneFile[]): ZoneSet {
    const set = new ZoneSet();
    for (const f of files) set.replace(f);
    return set;
  }

  /** Adds or replaces the zones of one file. */
  replace(loaded: LoadedZoneFile): void {
    this.byFile.set(loaded.file, loaded);
    this.reindex();
  }

  remove(file: string): void {
    if (this.byFile.delete(toSlash(resolve(file)))) this.reindex();
  }

  /** Calls back after every change. Returns a function that unsubscribes. */
  onDidChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  get files(): string[] {
    return [...this.byFile.keys()];
  }

  /** Every file read (including `$INCLUDE`d ones), mapped to the top file that read it. */
  watchedFiles(): Map<string, string> {
    const out = new Map<string, string>();
    for (const loaded of this.byFile.values()) for (const f of loaded.files) out.set(f, loaded.file);
    return out;
  }

  get zones(): readonly Zone[] {
    return this.sorted;
  }

  get errors(): ZoneError[] {
    return [...this.byFile.values()].flatMap((f) => f.errors);
  }

  private reindex(): void {
    this.sorted = [...this.byFile.values()].flatMap((f) => f.zones).sort((a, b) => b.apex.length - a.apex.length);
    this.byApex = new Map();
    for (const zone of this.sorted) {
      const list = this.byApex.get(zone.apex);
      if (list) list.push(zone);
      else this.byApex.set(zone.apex, [zone]);
    }
    this.apexLengths = [...new Set([...this.byApex.keys()].map((apex) => apex.length))].sort((a, b) => b - a);
    this.version++;
    for (const l of this.listeners) l();
  }

  /**
   * Asks the deepest zone(s) covering the name. Zones of several files with the same apex
   * are merged: records or a CNAME from any of them win over nodata, nodata over nxdomain.
   */
  lookup(name: string, type: RRType): ZoneLookup {
    return this.lookupNormalized(normalizeName(name), type);
  }

  /** `lookup` of a name already normalized (the DNS view normalizes each question once). */
  lookupNormalized(n: string, type: RRType): ZoneLookup {
    // The name's ancestors (itself, each suffix after a dot, the root), deepest first, are
    // the only possible apexes: a map lookup per ancestor of an apex's length, instead of a
    // suffix test per loaded zone (a fleet has many zones) or a step per label (reverse
    // names have 34 labels, and a fleet's apexes a handful of lengths).
    for (let i = 0; i < this.apexLengths.length; i++) {
      const length = this.apexLengths[i];
      if (length > n.length) continue;
      const start = n.length - length;
      if (start > 0 && length > 0 && n.charCodeAt(start - 1) !== 46) continue;
      const zones = this.byApex.get(length === 0 ? '' : n.slice(start));
      const answer = zones && lookupIn(zones, n, type);
      // When no zone of this apex covers the name (they delegate it away), a shallower one may.
      if (answer) return answer;
    }
    return { kind: 'outside' };
  }
}

/** The merged answer of the zones of one apex (several files may hold one zone), if any covers the name. */
function lookupIn(zones: readonly Zone[], name: string, type: RRType): ZoneLookup | undefined {
  let best: ZoneLookup | undefined;
  for (let i = 0; i < zones.length; i++) {
    const zone = zones[i];
    if (!zone.covers(name)) continue;
    const r = zone.answer(name, type);
    if (r.kind === 'records' && best?.kind === 'records') best = { ...best, records: [...best.records, ...r.records] };
    else if (!best || RANK[r.kind] > RANK[best.kind]) best = r;
  }
  return best;
}

const RANK: Record<ZoneLookup['kind'], number> = { outside: 0, nxdomain: 1, nodata: 2, records: 3, cname: 4 };

/** Default `infraReview.dns.zoneFiles`. */
export const DEFAULT_ZONE_GLOBS: readonly string[] = ['**/*.zone'];

const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist', '.direnv', 'result']);

/** Converts a workspace glob (`**`, `*`, `?`, `{a,b}`) to a RegExp over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) { re += '\\{'; continue; }
      re += '(?:' + glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|') + ')';
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Zone files under a workspace folder matching the globs (default `**\/*.zone`). */
export async function findZoneFiles(root: string, globs: readonly string[] = DEFAULT_ZONE_GLOBS): Promise<string[]> {
  const patterns = globs.map(globToRegExp);
  const out: string[] = [];
  const seen = new Set<string>();
  async function walk(dir: string, rel: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = await stat(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(name)) continue;
        let real: string;
        try { real = realpathSync(full); } catch { continue; }
        if (seen.has(real)) continue;
        seen.add(real);
        await walk(full, r);
      } else if (patterns.some((p) => p.test(r))) out.push(toSlash(full));
    }
  }
  await walk(resolve(root), '');
  return out;
}

/** Loads several zone files into a new ZoneSet. */
export async function loadZoneSet(files: readonly string[]): Promise<ZoneSet> {
  const set = new ZoneSet();
  for (const f of files) set.replace(await loadZoneFile(f));
  return set;
}

// Re-read a file's text asynchronously (used by watchers that only know the path).
export async function reloadZoneFile(set: ZoneSet, file: string): Promise<LoadedZoneFile> {
  const path = toSlash(resolve(file));
  let loaded: LoadedZoneFile;
  try {
    loaded = loadZoneText(path, await readFile(path, 'utf8'));
  } catch {
    set.remove(path);
    return { file: path, zones: [], errors: [], files: [path] };
  }
  set.replace(loaded);
  return loaded;
}
