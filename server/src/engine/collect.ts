/** Finds the files the engine reads under the paths a user names (CLI) or a workspace (LSP). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classifyFile } from '../core/files';
import type { SourceFile } from '../core/source';

/** Directories never worth walking: VCS data, dependencies, build output, Nix results. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.direnv', 'result', '.terraform', 'dist', 'out']);

export class InputError extends Error {}

export interface CollectOptions {
  /** Files above this size are skipped with a notice (hostile or generated input). */
  readonly maxFileBytes?: number;
}

export interface Collected {
  readonly files: SourceFile[];
  readonly skipped: { path: string; reason: string }[];
}

export function toSlash(p: string): string {
  return p.replace(/\\/g, '/');
}

/**
 * Walks files and directories. A path named explicitly that cannot be read is an InputError
 * (exit 2); inside a directory, unreadable entries are skipped.
 */
export function collectFiles(paths: readonly string[], options: CollectOptions = {}): Collected {
  const maxBytes = options.maxFileBytes ?? 2 * 1024 * 1024;
  const files = new Map<string, SourceFile>();
  const skipped: { path: string; reason: string }[] = [];

  const addFile = (path: string, explicit: boolean) => {
    const kind = classifyFile(path);
    if (!kind) {
      if (explicit) throw new InputError(`${path}: not a file infra-review reads (*.nix, main.cf, master.cf, *compose*.y*ml, *.zone, .env)`);
      return;
    }
    let size: number;
    try {
      size = statSync(path).size;
    } catch (e) {
      if (explicit) throw new InputError(`${path}: cannot read: ${(e as Error).message}`);
      return;
    }
    if (size > maxBytes) {
      skipped.push({ path, reason: `larger than ${maxBytes} bytes` });
      return;
    }
    try {
      files.set(path, { path, kind, text: readFileSync(path, 'utf8') });
    } catch (e) {
      if (explicit) throw new InputError(`${path}: cannot read: ${(e as Error).message}`);
      skipped.push({ path, reason: (e as Error).message });
    }
  };

  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = toSlash(join(dir, e.name));
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile()) addFile(p, false);
    }
  };

  for (const raw of paths) {
    const abs = toSlash(resolve(raw));
    let st: import('node:fs').Stats;
    try {
      st = statSync(abs);
    } catch {
      throw new InputError(`${raw}: no such file or directory`);
    }
    if (st.isDirectory()) walk(abs);
    else addFile(abs, true);
  }
  return { files: [...files.values()], skipped };
}
