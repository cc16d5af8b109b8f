/**
 * `infraReview.*` settings. The same shape arrives as `initializationOptions` (editors
 * without workspace/configuration) and from `workspace/configuration` (which wins).
 * Anything malformed falls back to the default instead of failing: settings are user input.
 */
import type { SeverityOverride } from '../engine/engine';
import type { DnsMode } from '../dns/types';

export interface Settings {
  readonly dns: {
    readonly mode: DnsMode;
    /** Absolute, or relative to the first workspace folder. */
    readonly zoneFiles: readonly string[];
    readonly resolvers: readonly string[];
    readonly cacheDir?: string;
    readonly timeoutMs?: number;
  };
  readonly rules: ReadonlyMap<string, SeverityOverride>;
  readonly inlayHints: { readonly enabled: boolean };
  /** `infraReview.maxFileSize`: files and open buffers above it are skipped with a notice. */
  readonly maxFileBytes?: number;
  /** False in an untrusted workspace (sent by the client): no live DNS, no writes. */
  readonly trusted: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  dns: { mode: 'live', zoneFiles: [], resolvers: [] },
  rules: new Map(),
  inlayHints: { enabled: false },
  trusted: true,
};

const MODES: readonly DnsMode[] = ['live', 'cache', 'off'];
const SEVERITIES: readonly SeverityOverride[] = ['error', 'warning', 'info', 'off'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()) : undefined;
}

/** Trust as the client states it at start (`initializationOptions.trusted`); absent means trusted. */
export function initialSettings(initializationOptions: unknown): Settings {
  const merged = mergeSettings(DEFAULT_SETTINGS, initializationOptions);
  const trusted = isRecord(initializationOptions) && initializationOptions.trusted === false ? false : true;
  return { ...merged, trusted };
}

/** Layers one raw settings object (the `infraReview` section) over a base. */
export function mergeSettings(base: Settings, raw: unknown): Settings {
  if (!isRecord(raw)) return base;
  const dnsRaw = isRecord(raw.dns) ? raw.dns : {};
  const mode = typeof dnsRaw.mode === 'string' && (MODES as readonly string[]).includes(dnsRaw.mode) ? (dnsRaw.mode as DnsMode) : base.dns.mode;
  const timeout = typeof dnsRaw.timeoutMs === 'number' && dnsRaw.timeoutMs > 0 ? dnsRaw.timeoutMs : base.dns.timeoutMs;
  const cacheDir = typeof dnsRaw.cacheDir === 'string' && dnsRaw.cacheDir ? dnsRaw.cacheDir : base.dns.cacheDir;
  let rules = base.rules;
  if (isRecord(raw.rules)) {
    const m = new Map(base.rules);
    for (const [id, sev] of Object.entries(raw.rules)) {
      if (typeof sev === 'string' && (SEVERITIES as readonly string[]).includes(sev)) m.set(id, sev as SeverityOverride);
    }
    rules = m;
  }
  const hints = isRecord(raw.inlayHints) && typeof raw.inlayHints.enabled === 'boolean' ? { enabled: raw.inlayHints.enabled } : base.inlayHints;
  const maxFileBytes = typeof raw.maxFileSize === 'number' && Number.isInteger(raw.maxFileSize) && raw.maxFileSize > 0 ? raw.maxFileSize : base.maxFileBytes;
  return {
    dns: {
      mode,
      zoneFiles: strings(dnsRaw.zoneFiles) ?? base.dns.zoneFiles,
      resolvers: strings(dnsRaw.resolvers) ?? base.dns.resolvers,
      ...(cacheDir ? { cacheDir } : {}),
      ...(timeout ? { timeoutMs: timeout } : {}),
    },
    rules,
    inlayHints: hints,
    ...(maxFileBytes ? { maxFileBytes } : {}),
    // Trust is not a setting a workspace may write: only the client's initializationOptions carry it.
    trusted: base.trusted,
  };
}

/** What the server may do: an untrusted workspace never goes to the network. */
export function effectiveDnsMode(s: Settings): DnsMode {
  return !s.trusted && s.dns.mode === 'live' ? 'cache' : s.dns.mode;
}

/** Stable text for "did anything that needs a new DNS view change?". */
export function dnsKey(s: Settings): string {
  return JSON.stringify([effectiveDnsMode(s), s.dns.zoneFiles, s.dns.resolvers, s.dns.cacheDir ?? '', s.dns.timeoutMs ?? 0]);
}
