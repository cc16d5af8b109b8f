import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .nix file under a directory, sorted (read in place; corpus files are never copied). */
export function nixFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...nixFilesUnder(p));
    else if (e.endsWith('.nix')) out.push(p);
  }
  return out.sort();
}
