/**
 * Every file of the workspace folders that infra-review reads, as on disk, overlaid with open
 * editor buffers. Disk changes (saves elsewhere, git checkout) arrive as watched-file events
 * and re-read only the files named.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { classifyFile } from '../core/files';
import type { SourceFile } from '../core/source';
import { collectFiles, DEFAULT_MAX_FILE_BYTES, isBinaryText, readSourceFile, toSlash } from '../engine/collect';
import type { OpenDocument, OpenDocuments } from './documents';

/** The directories collect.ts never walks; watched-file events from them are ignored likewise. */
const SKIPPED_DIR = /\/(\.git|\.hg|\.svn|node_modules|\.direnv|result|\.terraform|dist|out)\//;

export class WorkspaceFiles {
  private readonly disk = new Map<string, SourceFile>();
  /** Extra zone files named in settings (absolute paths). */
  private extraZones: string[] = [];
  /** `infraReview.maxFileSize`: larger files on disk and open buffers are not analysed. */
  private maxBytes = DEFAULT_MAX_FILE_BYTES;
  /** Bumped whenever `disk`, the extra zones or the size limit change (see `snapshot`). */
  private diskVersion = 0;
  private lastSnapshot: { diskVersion: number; open: readonly SourceFile[]; files: readonly SourceFile[] } | undefined;

  constructor(
    readonly roots: readonly string[],
    private readonly open: OpenDocuments,
    private readonly log: (m: string) => void,
  ) {}

  /** Reads every folder from scratch. */
  scan(): void {
    this.diskVersion++;
    this.disk.clear();
    if (!this.roots.length) return;
    const collected = collectFiles(this.roots.filter((r) => exists(r)), { maxFileBytes: this.maxBytes });
    for (const f of collected.files) this.disk.set(f.path, f);
    for (const s of collected.skipped) this.log(`skipped ${s.path}: ${s.reason}`);
    this.readExtraZones();
  }

  /** Returns whether the limit changed (the caller rescans). */
  setMaxFileBytes(bytes: number): boolean {
    if (bytes === this.maxBytes) return false;
    this.maxBytes = bytes;
    this.diskVersion++;
    return true;
  }

  get maxFileBytes(): number {
    return this.maxBytes;
  }

  /**
   * Open buffers not analysed (neither is their file on disk), with why: above the size
   * limit, or binary content, which the walk skips on disk too.
   */
  skippedOpen(): { uri: string; path: string; reason: string }[] {
    return this.open.all().flatMap((d) => {
      const reason = this.skipReason(d.source.text);
      return reason ? [{ uri: d.uri, path: d.path, reason }] : [];
    });
  }

  private skipReason(text: string): string | undefined {
    if (tooLarge(text, this.maxBytes)) return `is ${Buffer.byteLength(text, 'utf8')} bytes, above infraReview.maxFileSize (${this.maxBytes})`;
    if (isBinaryText(text)) return 'has binary content (NUL bytes)';
    return undefined;
  }

  setExtraZones(paths: readonly string[]): void {
    const base = this.roots[0] ?? process.cwd();
    const next = paths.map((p) => toSlash(isAbsolute(p) ? p : resolve(base, p)));
    this.diskVersion++;
    for (const old of this.extraZones) if (!next.includes(old) && !this.insideRoots(old)) this.disk.delete(old);
    this.extraZones = next;
    this.readExtraZones();
  }

  /** A watched-file event: re-read (or forget) one path. Returns whether it is one of ours. */
  refresh(path: string): boolean {
    const ours = this.insideRoots(path) && classifyFile(path) !== undefined;
    const zone = this.extraZones.includes(path);
    if (!ours && !zone) return false;
    this.diskVersion++;
    const file = readSource(path, this.maxBytes, zone ? 'zone' : undefined);
    if (file) this.disk.set(path, file);
    else this.disk.delete(path);
    return true;
  }

  /** A folder appeared or vanished wholesale (checkout of another branch): rescan. */
  isRoot(path: string): boolean {
    return this.roots.includes(path);
  }

  /** The files to analyse: disk files with open buffers in their place (and open files outside the folders). */
  snapshot(): SourceFile[] {
    // Asked several times per analysis (files, zones, status): rebuilt only when the disk
    // files or an open buffer changed (an edit gives its document a new source object).
    const docs = this.open.all();
    const open = docs.map((d) => d.source);
    const last = this.lastSnapshot;
    if (last && last.diskVersion === this.diskVersion && last.open.length === open.length && last.open.every((f, i) => f === open[i])) return [...last.files];
    const files = this.buildSnapshot(docs);
    this.lastSnapshot = { diskVersion: this.diskVersion, open, files };
    return [...files];
  }

  private buildSnapshot(docs: readonly OpenDocument[]): SourceFile[] {
    const out = new Map(this.disk);
    for (const doc of docs) {
      if (this.skipReason(doc.source.text)) {
        out.delete(doc.path);
        continue;
      }
      const kind = this.extraZones.includes(doc.path) ? 'zone' : doc.kind;
      out.set(doc.path, kind === doc.source.kind ? doc.source : { ...doc.source, kind });
    }
    return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  zonePaths(): string[] {
    return this.snapshot()
      .filter((f) => f.kind === 'zone')
      .map((f) => f.path);
  }

  private insideRoots(path: string): boolean {
    return this.roots.some((r) => {
      const prefix = r.endsWith('/') ? r : r + '/';
      return path.startsWith(prefix) && !SKIPPED_DIR.test('/' + path.slice(prefix.length));
    });
  }

  private readExtraZones(): void {
    for (const p of this.extraZones) {
      const f = readSource(p, this.maxBytes, 'zone');
      if (f) this.disk.set(p, f);
      else this.log(`zone file ${p} cannot be read`);
    }
  }
}

function exists(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function tooLarge(text: string, maxBytes: number): boolean {
  return text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes;
}

function readSource(path: string, maxBytes: number, forceKind?: 'zone'): SourceFile | undefined {
  const kind = forceKind ?? classifyFile(path);
  if (!kind) return undefined;
  const read = readSourceFile(path, kind, maxBytes);
  return 'file' in read ? read.file : undefined;
}
