import type { Location } from './text';

/**
 * A value the analysis read from configuration. `literal` means written as such at `at`;
 * `derived` means computed (let binding, interpolation, import, $name expansion) with the
 * chain in `via`. What could not be evaluated is `Unknown` with the reason: never a guess.
 */
export interface Known<T> {
  readonly known: true;
  readonly value: T;
  readonly at: Location;
  readonly certainty: 'literal' | 'derived';
  readonly via?: readonly Location[];
}

export interface Unknown {
  readonly known: false;
  readonly reason: string;
  readonly at?: Location;
}

export type Val<T> = Known<T> | Unknown;

export function known<T>(value: T, at: Location, certainty: 'literal' | 'derived' = 'literal', via?: Location[]): Known<T> {
  return via && via.length ? { known: true, value, at, certainty, via } : { known: true, value, at, certainty };
}

export function unknown(reason: string, at?: Location): Unknown {
  return at ? { known: false, reason, at } : { known: false, reason };
}
