/**
 * V8 settings for a one-shot run (`check`, `model`, `dns`): a cold analysis runs most of its
 * code a few hundred times and exits, so TurboFan's inlining costs more compilation than it
 * saves (on a 2-core machine the compiler threads compete with the analysis itself). Without
 * it a cold `check` of a 1,600-host fleet runs about a sixth fewer instructions and takes
 * about a sixth less CPU time (docs/benchmarks.md, item 43). The language server, which runs
 * the same code for hours, keeps V8's defaults.
 *
 * Both flags are needed when set at run time: `--no-turbo-inlining` implies
 * `--no-polymorphic-inlining` only when given on the command line. They change which code is
 * inlined, never what it computes.
 */
import { setFlagsFromString } from 'node:v8';

export const ONE_SHOT_V8_FLAGS: readonly string[] = ['--no-turbo-inlining', '--no-polymorphic-inlining'];

/** The V8 flags a process started for this command sets on itself. */
export function v8FlagsFor(command: string | undefined): readonly string[] {
  return command === 'check' || command === 'model' || command === 'dns' ? ONE_SHOT_V8_FLAGS : [];
}

/** Sets them; called first thing by the process entry (main.ts), before any code is hot. */
export function tuneV8For(command: string | undefined, set: (flag: string) => void = setFlagsFromString): void {
  for (const flag of v8FlagsFor(command)) set(flag);
}
