/** Finds the files the engine reads under the paths a user names (CLI) or a workspace (LSP). */
import { closeSync, constants, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { classifyFile, type FileKind } from '../core/files';
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

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Reads one file the engine should analyse. Oversized and binary files (a NUL byte: a
 * database or image that merely has a matching name) are skipped with the reason.
 */
export function readSourceFile(
  path: string,
  kind: FileKind,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): { file: SourceFile } | { reason: string; unreadable: boolean } {
  try {
    const st = statSync(path);
    if (!st.isFile()) return { reason: 'not a regular file', unreadable: true };
    if (st.size > maxBytes) return { reason: `larger than ${maxBytes} bytes`, unreadable: false };
    return sourceOf(path, kind, readFileSync(path, 'utf8'));
  } catch (e) {
    return { reason: (e as Error).message, unreadable: true };
  }
}

/** A file the directory listing showed as regular: read without a stat of its own. */
function readListedFile(path: string, kind: FileKind, reader: BoundedReader): ReturnType<typeof readSourceFile> {
  try {
    const text = reader.read(path);
    if (text === undefined) return { reason: `larger than ${reader.maxBytes} bytes`, unreadable: false };
    return sourceOf(path, kind, text);
  } catch (e) {
    return { reason: (e as Error).message, unreadable: true };
  }
}

/** A NUL byte near the start: a database or image that merely has a matching name. */
export function isBinaryText(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

/** A binary file is no source. */
function sourceOf(path: string, kind: FileKind, text: string): ReturnType<typeof readSourceFile> {
  if (isBinaryText(text)) return { reason: 'binary content (NUL bytes), not a configuration file', unreadable: false };
  return { file: { path, kind, text } };
}

/**
 * Reads files of at most maxBytes without a stat each: reading into a reused buffer of at
 * most maxBytes + 1 bytes tells the size too, and never holds more than that of a huge file.
 * A walk reads thousands of files; the stat was a fifth of the cost. O_NONBLOCK: a FIFO put
 * in place of a listed file cannot hang the read.
 */
class BoundedReader {
  private buffer: Buffer;

  constructor(readonly maxBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1));
  }

  /** The file's text, or undefined when it has more than maxBytes bytes. */
  read(path: string): string | undefined {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          if (length > this.maxBytes) return undefined;
          this.grow();
        }
        const n = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (n === 0) break;
        length += n;
      }
      return this.buffer.toString('utf8', 0, length);
    } finally {
      closeSync(fd);
    }
  }

  private grow(): void {
    const bigger = Buffer.allocUnsafe(Math.min(this.buffer.length * 2, this.maxBytes + 1));
    this.buffer.copy(bigger);
    this.buffer = bigger;
  }
}

export function toSlash(p: string): string {
  return p.replace(/\\/g, '/');
}

/**
 * Walks files and directories. A path named explicitly that cannot be read is an InputError
 * (exit 2); inside a directory, unreadable entries are skipped.
 */
export function collectFiles(paths: readonly string[], options: CollectOptions = {}): Collected {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const files = new Map<string, SourceFile>();
  const skipped: { path: string; reason: string }[] = [];

  const reader = new BoundedReader(maxBytes);

  const addFile = (path: string, explicit: boolean) => {
    const kind = classifyFile(path);
    if (!kind) {
      if (explicit) throw new InputError(`${path}: not a file infra-review reads (*.nix, main.cf, master.cf, *compose*.y*ml, *.zone, .env)`);
      return;
    }
    // A path named explicitly may be anything (a device, a FIFO): its stat decides.
    const read = explicit ? readSourceFile(path, kind, maxBytes) : readListedFile(path, kind, reader);
    if ('file' in read) files.set(path, read.file);
    else if (explicit && read.unreadable) throw new InputError(`${path}: cannot read: ${read.reason}`);
    else skipped.push({ path, reason: read.reason });
  };

  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // `dir` is absolute and has `/` separators already: the entries need no join and normalisation.
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const e of entries) {
      const p = prefix + e.name;
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
