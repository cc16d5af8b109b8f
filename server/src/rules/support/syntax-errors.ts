/** Shared by the *-syntax rules: one finding per syntax error of files of some kinds, capped per file. */
import type { FileKind } from '../../core/files';
import type { InfraModel } from '../../model/types';
import type { RawFinding } from '../types';

/** More than this many errors in one file are summarised: the first ones are what matters. */
const MAX_PER_FILE = 20;

export function syntaxErrorFindings(model: InfraModel, kinds: readonly FileKind[], describe: (message: string) => string): RawFinding[] {
  const out: RawFinding[] = [];
  for (const file of model.files) {
    if (!kinds.includes(file.kind) || !file.syntaxErrors.length) continue;
    const shown = file.syntaxErrors.slice(0, MAX_PER_FILE);
    for (const e of shown) out.push({ at: e.at, message: describe(e.message) });
    const rest = file.syntaxErrors.length - shown.length;
    if (rest > 0) {
      const last = out[out.length - 1];
      out[out.length - 1] = { ...last, message: `${last.message} (and ${rest} more syntax error${rest === 1 ? '' : 's'} in this file, not shown)` };
    }
  }
  return out;
}
