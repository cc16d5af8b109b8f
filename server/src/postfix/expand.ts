/**
 * Postfix parameter expansion (mac_expand(3) as main.cf uses it): `$name`, `${name}`,
 * `$(name)`, `$$`, `${name?text}` (text when name is non-empty), `${name:text}` (text when
 * empty), `${name?{text1}:{text2}}`, and the 3.x expressions `${{a} == {b} ? {x} : {y}}` with
 * ==, != and the compatibility-level comparisons (<level, <=level, >level, >=level).
 * Anything it cannot decide is reported as unknown, never guessed.
 */

export type Lookup = (name: string) => { kind: 'value'; value: string } | { kind: 'unknown'; reason: string } | { kind: 'undefined' };

export type Expansion = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

const NAME = /^[A-Za-z0-9_]+/;

export function expand(text: string, lookup: Lookup): Expansion {
  // Most values reference nothing: the walk below would copy them character by character.
  if (text.indexOf('$') < 0) return { ok: true, value: text };
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    const bare = NAME.exec(text.slice(i + 1));
    if (bare) {
      const r = valueOf(bare[0], lookup);
      if (!r.ok) return r;
      out += r.value;
      i += 1 + bare[0].length;
      continue;
    }
    if (next === '{' || next === '(') {
      const end = matching(text, i + 1);
      if (end < 0) return { ok: false, reason: `unbalanced "${next}" in "${text}"` };
      const r = expandInner(text.slice(i + 2, end), lookup);
      if (!r.ok) return r;
      out += r.value;
      i = end + 1;
      continue;
    }
    out += c;
    i++;
  }
  return { ok: true, value: out };
}

const REFERENCE = /\$(?:([A-Za-z0-9_]+)|[{(]([A-Za-z0-9_]+))/g;

/**
 * Every parameter name referenced with `$` in a value (conditionals included). Most values
 * have no `$`; the others are read by an `exec` loop (`matchAll` clones the regex per call).
 */
export function referencedNames(text: string): string[] {
  const names: string[] = [];
  if (!text.includes('$')) return names;
  REFERENCE.lastIndex = 0;
  for (let m = REFERENCE.exec(text); m; m = REFERENCE.exec(text)) names.push(m[1] ?? m[2]);
  return names;
}

/** An undefined name expands to nothing (postconf warns "undefined parameter"). Run-time
 * attributes such as $rbl_code only occur in raw parameters, which are not expanded. */
function valueOf(name: string, lookup: Lookup): Expansion {
  const r = lookup(name);
  if (r.kind === 'unknown') return { ok: false, reason: r.reason };
  return { ok: true, value: r.kind === 'value' ? r.value : '' };
}

function expandInner(inner: string, lookup: Lookup): Expansion {
  if (inner.startsWith('{')) return expression(inner, lookup);
  const name = NAME.exec(inner)?.[0];
  if (!name) return { ok: false, reason: `unsupported expansion "\${${inner}}"` };
  const rest = inner.slice(name.length);
  const v = valueOf(name, lookup);
  if (!v.ok || rest === '') return v;
  const op = rest[0];
  const tail = rest.slice(1);
  if (op !== '?' && op !== ':') return { ok: false, reason: `unsupported expansion "\${${inner}}"` };
  const nonEmpty = v.value.length > 0;
  if (op === '?') {
    const ifElse = parseIfElse(tail);
    if (ifElse) return expand(nonEmpty ? ifElse[0] : ifElse[1], lookup);
    return nonEmpty ? expand(unbrace(tail), lookup) : { ok: true, value: '' };
  }
  return nonEmpty ? { ok: true, value: '' } : expand(unbrace(tail), lookup);
}

/** `{a} op {b} ? {x} : {y}` */
function expression(inner: string, lookup: Lookup): Expansion {
  const a = braced(inner, 0);
  if (!a) return { ok: false, reason: `unsupported expression "\${${inner}}"` };
  const m = /^\s*(==|!=|<=level|>=level|<level|>level)\s*/.exec(inner.slice(a.next));
  const b = m && braced(inner, a.next + m[0].length);
  const q = b && /^\s*\?\s*/.exec(inner.slice(b.next));
  const branches = q && parseIfElse(inner.slice(b.next + q[0].length));
  if (!m || !b || !branches) return { ok: false, reason: `unsupported expression "\${${inner}}"` };
  const left = expand(a.text.trim(), lookup);
  if (!left.ok) return left;
  const right = expand(b.text.trim(), lookup);
  if (!right.ok) return right;
  const decided = compare(left.value, m[1], right.value);
  if (decided === undefined) return { ok: false, reason: `cannot compare "${left.value}" ${m[1]} "${right.value}"` };
  return expand(decided ? branches[0] : branches[1], lookup);
}

function compare(a: string, op: string, b: string): boolean | undefined {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  const x = level(a);
  const y = level(b);
  if (x === undefined || y === undefined) return undefined;
  const d = x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  return op === '<level' ? d < 0 : op === '<=level' ? d <= 0 : op === '>level' ? d > 0 : d >= 0;
}

/** A compatibility level: `3`, `3.6`, `3.6.1`; empty counts as 0. */
function level(s: string): [number, number, number] | undefined {
  if (s === '') return [0, 0, 0];
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

/** `{x}:{y}` with optional white space → [x, y]. */
function parseIfElse(s: string): [string, string] | undefined {
  const x = braced(s, 0);
  if (!x) return undefined;
  const colon = /^\s*:\s*/.exec(s.slice(x.next));
  const y = colon && braced(s, x.next + colon[0].length);
  if (!y || s.slice(y.next).trim() !== '') return undefined;
  return [x.text, y.text];
}

function braced(s: string, from: number): { text: string; next: number } | undefined {
  let i = from;
  while (i < s.length && /\s/.test(s[i])) i++;
  if (s[i] !== '{') return undefined;
  const end = matching(s, i);
  return end < 0 ? undefined : { text: s.slice(i + 1, end), next: end + 1 };
}

function unbrace(s: string): string {
  const b = braced(s, 0);
  return b && s.slice(b.next).trim() === '' ? b.text : s;
}

/** Index of the bracket closing the one at `open`, counting nested {} and (). */
function matching(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '{' || c === '(') depth++;
    else if ((c === '}' || c === ')') && --depth === 0) return i;
  }
  return -1;
}
