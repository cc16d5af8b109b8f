/**
 * The persistent cache of live answers: one JSON file, written atomically (temp file, then
 * rename), with the TTL and time fetched of each answer. Negative answers are cached for the
 * SOA-derived TTL (RFC 2308). A corrupt, foreign or other-version file is discarded, never
 * fatal. The cache never answers for names a zone file covers: the view asks zones first.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DnsRecord, RRType } from './types';
import { normalizeName } from './names';

export interface CacheEntry {
  readonly name: string;
  readonly type: RRType;
  /** `cname`: the server gave only a chain; the view continues at `target`. */
  readonly status: 'records' | 'cname' | 'nxdomain' | 'nodata';
  readonly records: readonly DnsRecord[];
  readonly chain: readonly DnsRecord[];
  readonly target?: string;
  /** Milliseconds since the epoch. */
  readonly fetchedAt: number;
  /** Seconds the answer stays fresh after `fetchedAt`. */
  readonly ttl: number;
  readonly server?: string;
}

export interface CacheHit {
  readonly entry: CacheEntry;
  readonly fresh: boolean;
  /** Age in seconds. */
  readonly age: number;
}

const FORMAT = 'infra-review-dns-cache';
const VERSION = 1;
const TYPES = new Set(['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA']);
const STATUSES = new Set(['records', 'cname', 'nxdomain', 'nodata']);

/** `$XDG_CACHE_HOME/infra-review/dns-cache.json` (or `~/.cache/...`), for the CLI. */
export function defaultCachePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'infra-review', 'dns-cache.json');
}

/** The cache file inside a directory such as the extension's global storage. */
export function cachePathIn(directory: string): string {
  return join(directory, 'dns-cache.json');
}

export interface DnsCacheOptions {
  /** Most entries kept (oldest fetched dropped first). Default 20000. */
  readonly maxEntries?: number;
  /** Entries stale for longer than this are dropped on save (seconds). Default 30 days. */
  readonly keepStaleSeconds?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export class DnsCache {
  private readonly entries = new Map<string, CacheEntry>();
  private dirty = false;
  /** Why a file on disk was not used, when it was not (for logs). */
  discarded?: string;
  readonly now: () => number;

  constructor(readonly path?: string, private readonly options: DnsCacheOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Reads the cache file; a missing, corrupt, foreign or other-version file gives an empty cache. */
  static async load(path: string, options: DnsCacheOptions = {}): Promise<DnsCache> {
    const cache = new DnsCache(path, options);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') cache.discarded = `unreadable: ${(e as Error).message}`;
      return cache;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      cache.discarded = 'not JSON';
      return cache;
    }
    const doc = json as { format?: unknown; version?: unknown; entries?: unknown };
    if (!doc || typeof doc !== 'object' || doc.format !== FORMAT) {
      cache.discarded = 'not an infra-review DNS cache';
      return cache;
    }
    if (doc.version !== VERSION) {
      cache.discarded = `cache version ${String(doc.version)}, expected ${VERSION}`;
      return cache;
    }
    if (!Array.isArray(doc.entries)) {
      cache.discarded = 'no entries';
      return cache;
    }
    for (const e of doc.entries) if (isEntry(e)) cache.entries.set(key(e.name, e.type), e);
    return cache;
  }

  get size(): number {
    return this.entries.size;
  }

  all(): CacheEntry[] {
    return [...this.entries.values()];
  }

  get(name: string, type: RRType): CacheHit | undefined {
    const entry = this.entries.get(key(normalizeName(name), type));
    if (!entry) return undefined;
    const age = Math.max(0, Math.floor((this.now() - entry.fetchedAt) / 1000));
    return { entry, fresh: age < entry.ttl, age };
  }

  put(entry: CacheEntry): void {
    const name = normalizeName(entry.name);
    const records = stripLocations(entry.records);
    const chain = stripLocations(entry.chain);
    // Live answers come clean (normalized name, no locations): kept as given rather than copied.
    const clean: CacheEntry = name === entry.name && records === entry.records && chain === entry.chain ? entry : { ...entry, name, records, chain };
    this.entries.set(key(clean.name, clean.type), clean);
    this.dirty = true;
  }

  clear(): void {
    this.entries.clear();
    this.dirty = true;
  }

  /** Writes the cache atomically when it changed (no-op without a path). */
  async save(): Promise<void> {
    if (!this.path || !this.dirty) return;
    const now = this.now();
    const keep = (this.options.keepStaleSeconds ?? 30 * 86400) * 1000;
    let list = this.all().filter((e) => e.fetchedAt + e.ttl * 1000 + keep > now);
    const max = this.options.maxEntries ?? 20000;
    if (list.length > max) list = list.sort((a, b) => b.fetchedAt - a.fetchedAt).slice(0, max);
    const text = JSON.stringify({ format: FORMAT, version: VERSION, savedAt: now, entries: list });
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, text, { encoding: 'utf8', mode: 0o600 });
      await rename(temp, this.path);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    this.dirty = false;
  }
}

/** Records without their zone-file locations; live answers have none, so usually the same array. */
function stripLocations(records: readonly DnsRecord[]): readonly DnsRecord[] {
  if (!records.some((r) => r.at !== undefined)) return records;
  return records.map((r) => {
    const { at: _at, ...rest } = r;
    return rest as DnsRecord;
  });
}

function key(name: string, type: string): string {
  return `${name}|${type}`;
}

function isRecord(r: unknown): r is DnsRecord {
  if (!r || typeof r !== 'object') return false;
  const x = r as Record<string, unknown>;
  if (typeof x.name !== 'string' || typeof x.type !== 'string' || !TYPES.has(x.type) || typeof x.ttl !== 'number') return false;
  switch (x.type) {
    case 'MX':
      return !!x.data && typeof (x.data as { exchange?: unknown }).exchange === 'string' && typeof (x.data as { preference?: unknown }).preference === 'number';
    case 'TXT':
      return Array.isArray(x.data) && x.data.every((s) => typeof s === 'string');
    case 'SOA':
      return !!x.data && typeof x.data === 'object' && typeof (x.data as { minimum?: unknown }).minimum === 'number';
    default:
      return typeof x.data === 'string';
  }
}

function isEntry(e: unknown): e is CacheEntry {
  if (!e || typeof e !== 'object') return false;
  const x = e as Record<string, unknown>;
  return (
    typeof x.name === 'string' &&
    typeof x.type === 'string' &&
    TYPES.has(x.type) &&
    typeof x.status === 'string' &&
    STATUSES.has(x.status) &&
    typeof x.fetchedAt === 'number' &&
    typeof x.ttl === 'number' &&
    Array.isArray(x.records) &&
    x.records.every(isRecord) &&
    Array.isArray(x.chain) &&
    x.chain.every(isRecord) &&
    (x.status !== 'cname' || typeof x.target === 'string')
  );
}
