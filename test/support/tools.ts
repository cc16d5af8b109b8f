/**
 * External components the tests start for real (postconf, nix-instantiate, knotd, chromium,
 * code-server). Locally a missing one skips its tests with a clear message; under CI=true
 * it is a failure, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const IN_CI = process.env.CI === 'true';

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin', '/sbin', '/bin'];

/** Absolute path of an executable on PATH or in the usual system dirs, or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').concat(SEARCH_DIRS);
  for (const dir of dirs) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * Returns the tool path, or a skip reason for node:test's `{ skip }` option. Under CI=true a
 * missing tool throws, so the suite fails instead of skipping.
 */
export function toolOrSkip(name: string, debianPackage: string): { path?: string; skip: string | false } {
  const path = findTool(name);
  if (path) return { path, skip: false };
  const message = `${name} not found: install Debian package '${debianPackage}' (.ci/run does)`;
  if (IN_CI) throw new Error(`CI=true: ${message}`);
  return { skip: message };
}

export function run(cmd: string, args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options });
}
