import { relative } from 'node:path';

/** Paths in output: relative to the current directory, with `/` separators. */
export function relativePath(file: string, cwd: string): string {
  const rel = relative(cwd, file).replace(/\\/g, '/');
  return rel === '' ? '.' : rel;
}

/**
 * relativePath for one output, each file worked out once: a fleet's findings name some 600
 * files about 4,000 times (its model 3,750 files 12,000 times), and `path.relative` normalises
 * both paths on every call.
 */
export function relativePaths(cwd: string): (file: string) => string {
  const known = new Map<string, string>();
  return (file) => {
    let rel = known.get(file);
    if (rel === undefined) known.set(file, (rel = relativePath(file, cwd)));
    return rel;
  };
}
