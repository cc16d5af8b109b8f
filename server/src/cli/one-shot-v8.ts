/**
 * V8 settings for a one-shot run (`check`, `model`, `dns`): a cold analysis runs most of its
 * code a few hundred times and exits, so TurboFan's inlining (beyond the smallest functions,
 * see INLINING_FLAGS) costs more compilation than it saves (on a 2-core machine the compiler
 * threads compete with the analysis itself). Without it a cold `check` of a 1,600-host fleet
 * runs about a sixth fewer instructions and takes about a sixth less CPU time
 * (docs/benchmarks.md, item 43). The language server, which runs the same code for hours,
 * keeps V8's defaults.
 *
 * Both flags are needed when set at run time: `--no-turbo-inlining` implies
 * `--no-polymorphic-inlining` only when given on the command line. They change which code is
 * inlined, never what it computes.
 */
import { setFlagsFromString } from 'node:v8';

export const ONE_SHOT_V8_FLAGS: readonly string[] = ['--no-turbo-inlining', '--no-polymorphic-inlining'];

/**
 * Per V8 major version, inlining measured on that version only, instead of none. V8 11 (Node
 * 20) inlines only functions of at most 32 bytes of bytecode: accessors, constructors and
 * one-line helpers such as web-tree-sitter's heap reads and `yaml`'s `peek`, which optimised
 * code otherwise calls out of line (a call, or a generic construct stub, for a few
 * instructions of work) hundreds of thousands of times. Cold `check` of the 1,600-host fleet
 * 10,420 → 10,280 M instructions, main thread 8,227 → 8,136 M with concurrent compilation
 * (the compiler threads about the same), CPU and wall time unchanged within noise. Larger
 * limits compile more than they save (48: 10,303 M; the default, 460, is what item 43 left).
 */
const INLINING_FLAGS: ReadonlyMap<number, readonly string[]> = new Map([[11, ['--max-inlined-bytecode-size=32', '--no-polymorphic-inlining']]]);

/**
 * Per V8 major version, flags measured on that version only. V8 11 (Node 20) optimises a
 * function once its interrupt budget is spent; at three times the default budget fewer
 * functions are optimised that the run then barely uses, and a cold `check` takes about a
 * tenth less CPU time (item 47). Later V8s tier up by invocation counts, through Maglev, and
 * reject this flag (an unknown flag prints an error on every run), so they get none of it.
 */
const TIER_UP_FLAGS: ReadonlyMap<number, readonly string[]> = new Map([[11, ['--interrupt-budget=200000']]]);

/** The V8 flags a process started for this command sets on itself, for this V8 version. */
export function v8FlagsFor(command: string | undefined, v8Version: string = process.versions.v8): readonly string[] {
  if (command !== 'check' && command !== 'model' && command !== 'dns') return [];
  const major = Number.parseInt(v8Version, 10);
  return [...(INLINING_FLAGS.get(major) ?? ONE_SHOT_V8_FLAGS), ...(TIER_UP_FLAGS.get(major) ?? [])];
}

/** Sets them; called first thing by the process entry (main.ts), before any code is hot. */
export function tuneV8For(command: string | undefined, set: (flag: string) => void = setFlagsFromString): void {
  for (const flag of v8FlagsFor(command)) set(flag);
}
