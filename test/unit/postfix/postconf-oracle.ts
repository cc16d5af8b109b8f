/**
 * Runs the real postconf on text written to a temporary config directory (never inside the
 * repository) and reads back what Postfix makes of it: `-n` (main.cf settings), `-P`
 * (master.cf overrides), `-M` (entries) and its warnings.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STOCK_MASTER_CF = '/etc/postfix/master.cf.proto';

export interface PostconfRun {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** `fatal:` message, when postconf gave up. */
  readonly fatal?: string;
}

export function withConfigDir<T>(files: { main?: string; master?: string | 'stock' }, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-postconf-'));
  try {
    writeFileSync(join(dir, 'main.cf'), files.main ?? '');
    if (files.master === 'stock' && existsSync(STOCK_MASTER_CF)) copyFileSync(STOCK_MASTER_CF, join(dir, 'master.cf'));
    else writeFileSync(join(dir, 'master.cf'), files.master === 'stock' ? '' : (files.master ?? ''));
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function postconf(postconfPath: string, dir: string, ...args: string[]): PostconfRun {
  const r = spawnSync(postconfPath, ['-c', dir, ...args], { encoding: 'utf8' });
  const fatal = /fatal: (.*)/.exec(r.stderr)?.[1];
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr, ...(fatal ? { fatal } : {}) };
}

/** Postconf prints values with runs of white space folded to one space. */
export function normalize(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** `name = value` lines → map (config_directory, which -c sets, left out). */
export function settingsOf(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) =(?: (.*))?$/.exec(line);
    if (m && m[1] !== 'config_directory') out.set(m[1], normalize(m[2] ?? ''));
  }
  return out;
}

/** Names postconf warned about as "unused parameter" in main.cf or master.cf. */
export function unusedNames(stderr: string, file: 'main.cf' | 'master.cf'): Set<string> {
  const out = new Set<string>();
  for (const m of stderr.matchAll(new RegExp(`${file.replace('.', '\\.')}: unused parameter: ([^=\\n]+)=`, 'g'))) out.add(m[1]);
  return out;
}

/** `postconf -M` lines → the eight fields of each entry. */
export function entriesOf(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/).slice(0, 8));
}
