/** Parses `check`/`model`/`dns snapshot` options per docs (cli-contract). Bad usage → UsageError (exit 2). */
import { parseArgs } from 'node:util';
import type { Severity } from '../core/finding';
import type { DnsMode } from '../dns/types';
import type { SeverityOverride } from '../engine/engine';

export class UsageError extends Error {}

export type OutputFormat = 'text' | 'json' | 'sarif';
export type FailOn = Severity | 'never';

export interface CommonOptions {
  readonly paths: string[];
  readonly dns: DnsMode;
  readonly zones: string[];
  readonly resolvers: string[];
  readonly rules: Map<string, SeverityOverride>;
  readonly cacheDir?: string;
  readonly maxFileBytes?: number;
  readonly timeoutMs?: number;
}

export interface CheckOptions extends CommonOptions {
  readonly format: OutputFormat;
  readonly failOn: FailOn;
  readonly quiet: boolean;
  readonly color: boolean;
}

export interface SnapshotOptions extends CommonOptions {
  readonly out: string;
}

const COMMON = {
  dns: { type: 'string' },
  zone: { type: 'string', multiple: true },
  resolver: { type: 'string', multiple: true },
  rule: { type: 'string', multiple: true },
  'cache-dir': { type: 'string' },
  'max-file-size': { type: 'string' },
  'dns-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a positive integer (got '${value}')`);
  return n;
}

export function parseRuleOverrides(items: readonly string[]): Map<string, SeverityOverride> {
  const out = new Map<string, SeverityOverride>();
  for (const item of items) {
    const m = /^([a-z0-9-]+)=(off|error|warning|info)$/.exec(item);
    if (!m) throw new UsageError(`--rule expects ID=off|error|warning|info (got '${item}')`);
    out.set(m[1], m[2] as SeverityOverride);
  }
  return out;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(argv: string[], extra: Record<string, { type: 'string' | 'boolean'; short?: string }>): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: { ...COMMON, ...extra }, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function common(values: Record<string, unknown>, positionals: string[]): CommonOptions {
  return {
    paths: positionals.length ? positionals : ['.'],
    dns: oneOf('dns', values.dns as string | undefined, ['live', 'cache', 'off'] as const, 'live'),
    zones: (values.zone as string[] | undefined) ?? [],
    resolvers: (values.resolver as string[] | undefined) ?? [],
    rules: parseRuleOverrides((values.rule as string[] | undefined) ?? []),
    cacheDir: values['cache-dir'] as string | undefined,
    maxFileBytes: positiveInt('max-file-size', values['max-file-size'] as string | undefined),
    timeoutMs: positiveInt('dns-timeout', values['dns-timeout'] as string | undefined),
  };
}

export function parseCheck(argv: string[], stdoutIsTty: boolean): CheckOptions | 'help' {
  const { values, positionals } = parse(argv, {
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  });
  if (values.help) return 'help';
  const color = values['no-color'] ? false : values.color ? true : stdoutIsTty && !process.env.NO_COLOR;
  return {
    ...common(values, positionals),
    format: oneOf('format', values.format as string | undefined, ['text', 'json', 'sarif'] as const, 'text'),
    failOn: oneOf('fail-on', values['fail-on'] as string | undefined, ['error', 'warning', 'info', 'never'] as const, 'error'),
    quiet: !!values.quiet,
    color,
  };
}

export function parseModel(argv: string[]): (CommonOptions & { format: 'json' }) | 'help' {
  const { values, positionals } = parse(argv, { format: { type: 'string' } });
  if (values.help) return 'help';
  oneOf('format', values.format as string | undefined, ['json'] as const, 'json');
  return { ...common(values, positionals), format: 'json' };
}

export function parseSnapshot(argv: string[]): SnapshotOptions | 'help' {
  const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' } });
  if (values.help) return 'help';
  if (!values.out) throw new UsageError('dns snapshot needs --out FILE');
  return { ...common(values, positionals), out: values.out as string };
}
