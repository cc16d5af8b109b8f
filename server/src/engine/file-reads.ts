/**
 * Which files the edit kit reads for each unit's fixes. A unit's fixes are computed from the
 * texts of exactly those files, so the incremental engine may keep the unit's findings after
 * an edit only while they read the same. The kit is built once per analysis over a
 * `ChargedFiles`; each unit calls it through `chargedKit`, which charges the files read during
 * each (synchronous) kit call to that unit's `UnitReads`.
 */
import type { SourceFile } from '../core/source';
import type { EditKit } from '../edits/kit';

export class UnitReads {
  /** Each path asked for, with the file it was then (undefined: there was none). */
  readonly files = new Map<string, SourceFile | undefined>();
  /** The kit walked the whole map: the fixes may depend on any file. */
  any = false;

  /** Whether every file read then reads the same now (same kind and text, or absent both times). */
  sameIn(files: ReadonlyMap<string, SourceFile>): boolean {
    if (this.any) return false;
    for (const [path, then] of this.files) {
      const now = files.get(path);
      if (now === then) continue;
      if (!now || !then || now.kind !== then.kind || now.text !== then.text) return false;
    }
    return true;
  }
}

/** The workspace's files as one analysis's edit kit sees them. */
export class ChargedFiles implements ReadonlyMap<string, SourceFile> {
  private current: UnitReads | undefined;
  /** Files were read outside any unit's kit call (while the kit was built): no unit can tell. */
  strayReads = false;

  constructor(private readonly files: ReadonlyMap<string, SourceFile>) {}

  /** Runs `call` with its reads charged to `reads`. */
  during<T>(reads: UnitReads, call: () => T): T {
    const outer = this.current;
    this.current = reads;
    try {
      return call();
    } finally {
      this.current = outer;
    }
  }

  get(path: string): SourceFile | undefined {
    const f = this.files.get(path);
    if (this.current) this.current.files.set(path, f);
    else this.strayReads = true;
    return f;
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  private readAll(): void {
    if (this.current) this.current.any = true;
    else this.strayReads = true;
  }

  get size(): number {
    this.readAll();
    return this.files.size;
  }

  forEach(callback: (value: SourceFile, key: string, map: ReadonlyMap<string, SourceFile>) => void, thisArg?: unknown): void {
    this.readAll();
    this.files.forEach((v, k) => callback.call(thisArg, v, k, this));
  }

  entries(): MapIterator<[string, SourceFile]> {
    this.readAll();
    return this.files.entries();
  }

  keys(): MapIterator<string> {
    this.readAll();
    return this.files.keys();
  }

  values(): MapIterator<SourceFile> {
    this.readAll();
    return this.files.values();
  }

  [Symbol.iterator](): MapIterator<[string, SourceFile]> {
    return this.entries();
  }
}

/** `kit` for one unit: every call's file reads are charged to `reads`. */
export function chargedKit(kit: EditKit, files: ChargedFiles, reads: UnitReads): EditKit {
  return {
    replace: (at, newText) => files.during(reads, () => kit.replace(at, newText)),
    remove: (at) => files.during(reads, () => kit.remove(at)),
    setPostfixMain: (instance, name, value) => files.during(reads, () => kit.setPostfixMain(instance, name, value)),
    setMasterOverride: (instance, service, name, value) => files.during(reads, () => kit.setMasterOverride(instance, service, name, value)),
    setNixOption: (host, path, nixValue, file) => files.during(reads, () => kit.setNixOption(host, path, nixValue, file)),
    appendNixList: (host, path, elements, file) => files.during(reads, () => kit.appendNixList(host, path, elements, file)),
    setComposeValue: (project, path, value) => files.during(reads, () => kit.setComposeValue(project, path, value)),
  };
}
