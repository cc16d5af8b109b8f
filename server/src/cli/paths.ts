import { relative } from 'node:path';

/** Paths in output: relative to the current directory, with `/` separators. */
export function relativePath(file: string, cwd: string): string {
  const rel = relative(cwd, file).replace(/\\/g, '/');
  return rel === '' ? '.' : rel;
}
