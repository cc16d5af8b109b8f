/**
 * `posix.join(dir, text)` for a path literal of a file under an absolute directory, without
 * normalising the whole joined path each time: a fleet writes the same few relative imports
 * (`../../modules/common.nix`, `./network.nix`) in thousands of files. Each distinct text is
 * normalised once by node:path and kept as its leading `..` count and the rest; the result
 * is the directory's ancestor that many levels up, then the rest.
 */
import { posix } from 'node:path';

interface Relative {
  /** How many leading `..` the normalised text has. */
  readonly ups: number;
  /** The normalised text after them: plain segments, perhaps a trailing `/`. */
  readonly rest: string;
}

const relatives = new Map<string, Relative | null>();
const RELATIVES_LIMIT = 10_000;

/**
 * `posix.join(dir, text)`. `dir` must be what `posix.dirname` gives for an absolute,
 * normalised file path (callers check once per file with `isNormalAbsolute`).
 */
export function joinRelative(dir: string, text: string): string {
  const rel = relativeOf(text);
  if (!rel) return posix.join(dir, text);
  let base = dir;
  for (let i = 0; i < rel.ups && base !== '/'; i++) {
    const slash = base.lastIndexOf('/');
    base = slash === 0 ? '/' : base.slice(0, slash);
  }
  return base === '/' ? `/${rel.rest}` : `${base}/${rel.rest}`;
}

/** Whether a directory is absolute and already normalised (joinRelative's precondition). */
export function isNormalAbsolute(dir: string): boolean {
  return dir.startsWith('/') && posix.normalize(dir) === dir && (dir === '/' || !dir.endsWith('/'));
}

/** The decomposition of a relative text, or null when it is not one of plain segments after the `..`s. */
function relativeOf(text: string): Relative | null {
  let rel = relatives.get(text);
  if (rel === undefined) {
    rel = decompose(text);
    if (relatives.size >= RELATIVES_LIMIT) relatives.clear();
    relatives.set(text, rel);
  }
  return rel;
}

function decompose(text: string): Relative | null {
  if (!text || text.startsWith('/')) return null;
  const n = posix.normalize(text);
  let at = 0;
  while (n.startsWith('../', at)) at += 3;
  const rest = n.slice(at);
  // `.`, `..`, `../` and the like: left to node:path.
  if (!rest || rest === '.' || rest === './' || rest === '..' || rest.startsWith('../')) return null;
  return { ups: at / 3, rest };
}
