/**
 * Compose variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$`), evaluated against the
 * project's `.env`. The shell environment of whoever runs compose is not known here, so a
 * variable without a value and without a default is unknown — never guessed as empty.
 */
import type { Location } from '../core/text';

export interface EnvValue {
  readonly name: string;
  /** null when the value cannot be known (`KEY` alone, or it interpolates something unknown). */
  readonly value: string | null;
  readonly reason?: string;
  /** The value text in its file (or the name when there is no value). */
  readonly at: Location;
}

export type Env = ReadonlyMap<string, EnvValue>;

export interface Interpolated {
  /** The result; null when any part is unknown. */
  readonly value: string | null;
  readonly reason?: string;
  /** Whether the text used any `$` syntax (so the value is derived, not literal). */
  readonly interpolated: boolean;
  /** Variables whose definitions the result depends on. */
  readonly used: readonly EnvValue[];
  /**
   * The result with each unknown reference replaced by HOLE(i), so structured values (ports)
   * can still be split and the known parts used; `holes[i]` is the reference as written.
   */
  readonly template: string;
  readonly holes: readonly string[];
}

export const hole = (i: number): string => `\u0000${i}\u0000`;
const HOLE_RE = /\u0000(\d+)\u0000/g;

/** Puts the written references back in place of holes, for display. */
export function fillHoles(template: string, holes: readonly string[]): string {
  if (!hasHole(template)) return template; // the common case: the regex would find nothing
  return template.replace(HOLE_RE, (_, i: string) => holes[Number(i)] ?? '');
}

export function hasHole(s: string): boolean {
  return s.includes('\u0000');
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Finds the `}` closing a `${` whose body starts at `from`, honouring nested `${...}`. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') i++;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

// Shared by every result without `$` (most of them): the results are read-only.
const NOTHING_USED: readonly EnvValue[] = Object.freeze([]);
const NO_HOLES: readonly string[] = Object.freeze([]);

export function interpolate(text: string, env: Env): Interpolated {
  // Most values use no `$` at all: they are their own result.
  if (!text.includes('$')) return { value: text, interpolated: false, used: NOTHING_USED, template: text, holes: NO_HOLES };
  const used: EnvValue[] = [];
  const holes: string[] = [];
  const reasons: string[] = [];
  let out = '';
  let interpolated = false;

  const unknownRef = (written: string, reason: string) => {
    out += hole(holes.length);
    holes.push(written);
    reasons.push(reason);
  };
  /** Appends a nested word (default/alternative), itself interpolated. */
  const word = (w: string) => {
    const inner = interpolate(w, env);
    used.push(...inner.used);
    if (inner.value !== null) out += inner.value;
    else unknownRef(w, inner.reason ?? 'unknown');
  };

  let i = 0;
  while (i < text.length) {
    if (text[i] !== '$') {
      // The text up to the next `$` is copied as one piece, not character by character.
      const dollar = text.indexOf('$', i);
      const end = dollar < 0 ? text.length : dollar;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      interpolated = true;
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      interpolated = true;
      const close = closingBrace(text, i + 2);
      if (close < 0) {
        unknownRef(text.slice(i), `unterminated "\${" in "${text}"`);
        break;
      }
      const written = text.slice(i, close + 1);
      const body = text.slice(i + 2, close);
      i = close + 1;
      const m = NAME.exec(body);
      if (!m) {
        unknownRef(written, `invalid interpolation "${written}"`);
        continue;
      }
      const name = m[0];
      const rest = body.slice(name.length);
      const op = /^(:-|-|:\?|\?|:\+|\+)?/.exec(rest)![0];
      if (rest.length && !op) {
        unknownRef(written, `invalid interpolation "${written}"`);
        continue;
      }
      const arg = rest.slice(op.length);
      const v = env.get(name);
      if (v) used.push(v);
      if (v && v.value === null) {
        unknownRef(written, v.reason ?? `${name} has no known value`);
        continue;
      }
      const set = v !== undefined;
      const value = v?.value ?? '';
      const nonEmpty = set && value !== '';
      switch (op) {
        case '':
          if (set) out += value;
          else unknownRef(written, `${name} is not set in .env`);
          break;
        case ':-':
          if (nonEmpty) out += value;
          else word(arg);
          break;
        case '-':
          if (set) out += value;
          else word(arg);
          break;
        case ':?':
          if (nonEmpty) out += value;
          else unknownRef(written, `${name} is required (${arg || 'empty or unset'})`);
          break;
        case '?':
          if (set) out += value;
          else unknownRef(written, `${name} is required (${arg || 'unset'})`);
          break;
        case ':+':
          if (nonEmpty) word(arg);
          break;
        case '+':
          if (set) word(arg);
          break;
      }
      continue;
    }
    const m = NAME.exec(text.slice(i + 1));
    if (!m) {
      // A lone `$` is kept as written, as compose does.
      out += '$';
      i++;
      continue;
    }
    interpolated = true;
    const name = m[0];
    const written = '$' + name;
    i += written.length;
    const v = env.get(name);
    if (v) used.push(v);
    if (!v) unknownRef(written, `${name} is not set in .env`);
    else if (v.value === null) unknownRef(written, v.reason ?? `${name} has no known value`);
    else out += v.value;
  }

  const known = holes.length === 0;
  return {
    value: known ? out : null,
    ...(known ? {} : { reason: reasons.join('; ') }),
    interpolated,
    used: [...new Set(used)],
    template: out,
    holes,
  };
}
