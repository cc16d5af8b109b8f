/**
 * A V8 code cache for the CLI's one-shot commands. V8 compiles a function to bytecode the first
 * time it runs; a cold `check` compiles most of its megabyte of JavaScript that way, in every
 * process. Here the bundle is compiled through `vm.Script`, and the first run leaves, at exit,
 * the bytecode of every function it compiled in the user's cache directory; later runs start
 * from it (about 4% of a cold `check` of a 1,600-host fleet; docs/benchmarks.md item 62,
 * docs/adr/0004-cli-code-cache.md). Only compiled code is cached, never anything read from the
 * analysed files: each run still analyses everything from scratch.
 *
 * V8 checks its own version, the flags and the length of the source, not the source itself:
 * the file name is a hash of the bundle's bytes, the command, Node's version and options and
 * the flags, so a rebuilt bundle never meets the bytecode of another one. A missing, unreadable or rejected cache only
 * costs the compile time; `INFRA_REVIEW_CODE_CACHE=off` turns the cache off. Only the CLI's
 * launcher uses this (the language server loads its bundle as usual), and it only ever
 * compiles infra-review's own bundle, never anything from a workspace (docs/security.md).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { userCacheDir } from '../core/cache-dir';

/** Where the code cache lives, or undefined when the environment turns it off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.INFRA_REVIEW_CODE_CACHE === 'off') return undefined;
  return join(userCacheDir(env), 'code-cache');
}

/**
 * The cache file for this bundle text, run for this command under this runtime (Node's
 * version, architecture and options: `node --some-v8-flag` changes what V8 accepts) and these
 * V8 flags. Per command: a cache holds the functions its first run compiled, and a `model`
 * run compiles fewer than a `check`.
 */
export function codeCacheFile(dir: string, bundle: Buffer, command: string, flags: readonly string[], runtime = `${process.version} ${process.arch} ${process.execArgv.join(' ')}`): string {
  const key = createHash('sha256').update(bundle).update(`\0${runtime}\0${command}\0${flags.join(' ')}`).digest('hex');
  return join(dir, `${key.slice(0, 40)}.v8`);
}

/** Caches of other commands, builds and runtimes kept besides the current one (about 1 MB each). */
const KEEP_OTHERS = 5;

export interface CodeCacheRun {
  /** Whether the compiled code came from the cache. */
  readonly fromCache: boolean;
}

/**
 * Runs a CommonJS bundle, as `require` would, compiling it with the cached code when there is
 * valid cached code for it. `flags` are the V8 flags in effect, which the caller has set
 * already (V8 rejects code cached under other flags). Without a valid cache, the bundle's
 * compiled code is written to the cache when the process exits.
 */
export function runWithCodeCache(bundlePath: string, dir: string | undefined, command: string, flags: readonly string[]): CodeCacheRun {
  const bytes = readFileSync(bundlePath);
  const cache = dir === undefined ? undefined : { dir, file: codeCacheFile(dir, bytes, command, flags) };
  const cachedData = cache && privateToUser(cache.dir) ? readIfPresent(cache.file) : undefined;
  const script = new Script(wrapCommonJs(bytes.toString('utf8')), { filename: bundlePath, cachedData });
  const fromCache = cachedData !== undefined && !script.cachedDataRejected;
  if (cache && !fromCache) process.once('exit', () => writeCodeCache(cache.dir, cache.file, script));
  const module = { exports: {} as unknown, filename: bundlePath, id: bundlePath };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: unknown, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  return { fromCache };
}

/**
 * Node's CommonJS wrapper around the bundle's text. A `#!` line is valid only at the very
 * start of a script, so it becomes a `//` comment of the same length (positions in stack
 * traces stay those of the file).
 */
export function wrapCommonJs(text: string): string {
  const body = text.startsWith('#!') ? `//${text.slice(2)}` : text;
  return `(function (exports, require, module, __filename, __dirname) { ${body}\n});`;
}

/**
 * V8 runs what it reads from the cache: only a file in a directory that nobody but this user
 * can write into, owned by this user and writable by nobody else, is read (as ssh treats its
 * keys). Anything else is ignored, and the bundle compiles from its source. (On Windows, where
 * Node reports files as writable by all, the cache is never used.)
 */
export function privateToUser(path: string): boolean {
  try {
    const st = statSync(path);
    return (process.getuid === undefined || st.uid === process.getuid()) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return privateToUser(file) ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Called at exit, when every function the run needed is compiled. Written under a temporary
 * name and renamed, so that a process starting meanwhile reads either no file or a whole one.
 * A cache is only an optimisation: a directory that cannot be written costs the next run its
 * compile time, nothing else.
 */
export function writeCodeCache(dir: string, file: string, script: Pick<Script, 'createCachedData'>): void {
  try {
    const data = script.createCachedData();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateToUser(dir)) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
    pruneOthers(dir, file);
  } catch {
    // See above: nothing to report.
  }
}

/** A temporary file this old was left by a process that died before its rename. */
const ORPHAN_MS = 10 * 60 * 1000;

/** Removes all but the newest few caches of other bundles or runtimes, and orphaned temporary files. */
function pruneOthers(dir: string, current: string): void {
  const now = Date.now();
  const others: { path: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name.endsWith('.tmp')) {
      if (now - statSync(path).mtimeMs > ORPHAN_MS) rmSync(path, { force: true });
    } else if (name.endsWith('.v8') && path !== current) others.push({ path, mtime: statSync(path).mtimeMs });
  }
  others.sort((a, b) => b.mtime - a.mtime);
  for (const old of others.slice(KEEP_OTHERS)) rmSync(old.path, { force: true });
}
