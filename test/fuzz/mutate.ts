/**
 * Seeded mutations of real configuration text: the damage an editor buffer goes through while
 * someone types (truncation, deleted or duplicated lines, junk), plus hostile extremes (deep
 * nesting, very long lines, NUL/BOM/CRLF/bidi/lone surrogates). Deterministic for a seed, so
 * a failure is reproduced from its seed alone.
 *
 * A localized mutation reports which part of the original text it left intact (`keep`): the
 * fact checks require that what the parsers found there is still found in the mutant.
 */

/** mulberry32: small, fast, good enough for test input generation. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]) => xs[int(xs.length)], chance: (p: number) => next() < p };
}

export interface Rng {
  next(): number;
  /** 0 ≤ r < n. */
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/**
 * The undamaged parts of a localized mutation: `original[0, prefixEnd)` is unchanged at the
 * start of the mutant, and `original[suffixStart..]` is unchanged at `mutantSuffixStart`.
 * Both boundaries are at line starts.
 */
export interface Keep {
  readonly prefixEnd: number;
  readonly suffixStart: number;
  readonly mutantSuffixStart: number;
}

export interface Mutant {
  readonly text: string;
  /** Names of the operators applied, for the report. */
  readonly ops: string[];
  /** Present when exactly one line-localized operator was applied. */
  readonly keep?: Keep;
}

/** Characters that make text read differently, or that parsers historically choke on. */
export const HOSTILE_CHARS = [
  '\u0000', '\uFEFF', '\r', '\r\n', '\u2028', '\u2029', '\u202E', '\u202D', '\u2066', '\u2069', '\u200F',
  '\u001B', '\u0085', '\u009B', '\uD800', '\uDC00', '\uFFFD', '\u00A0', '\t', '\v', '\f', '\\', '"', "'", '`', '$',
];

/** Tokens of the formats under test: junk made of them reaches deeper than random bytes. */
const TOKENS = [
  '{', '}', '[', ']', '(', ')', ';', '=', ':', ',', '.', '"', "'", "''", '${', '$', '#', '-o', '@', '*', '&', '|', '>',
  'let', 'in', 'rec', 'with', 'import', 'inherit', 'if', 'then', 'else', 'assert', '...', '//', '++', '?', 'or',
  'networking.interfaces.eth0.ipv6.addresses', 'services.postfix', 'extraConfig', 'settings.main', 'mynetworks',
  'inet_protocols', 'smtp_bind_address6', 'myhostname', 'relayhost', 'smtpd_client_restrictions', '[::1]/128',
  '2001:db8::25', '192.0.2.25', '::', '0.0.0.0/0', 'services:', 'ports:', 'network_mode:', 'service:x', '- ',
  '"[::]:25:25"', 'extra_hosts:', '<<: *x', '&anchor', '*anchor', '!!binary', '---', '...', '|', '>-', '?',
  '$ORIGIN', '$TTL', '$INCLUDE', 'IN', 'A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'SOA', 'v=spf1', 'include:', 'ip6:',
  '{{ var }}', '{% if x %}', '%}', '<%= x %>', '@@X@@', 'unix', 'inet', 'smtpd', 'n', 'y', '-', '\\', '\n', '\t', ' ',
];

const NESTERS: readonly [string, string][] = [
  ['{ a = ', '; }'], ['[ ', ' ]'], ['(', ')'], ['${', '}'], ['let a = ', '; in a'], ['{', '}'], ['- ', ''], ['[', ']'],
  ['x: ', ''], ['"${', '}"'], ['a: { b: ', '}'], ['-o { a = ', ' }'],
];

function junkLine(r: Rng): string {
  const n = 1 + r.int(12);
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r.int(10);
    if (k < 6) s += r.pick(TOKENS);
    else if (k < 8) s += r.pick(HOSTILE_CHARS);
    else s += String.fromCharCode(32 + r.int(95));
    if (r.chance(0.5)) s += ' ';
  }
  return s;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

interface Op {
  readonly name: string;
  /** Line-localized operators return the damaged original span [from, to) (line aligned) and its replacement. */
  apply(text: string, r: Rng): { text: string; span?: { from: number; to: number; insert: string } };
}

/** Replace whole lines [first, last) of `text` by `insert` (which ends with a newline or is empty). */
function replaceLines(text: string, r: Rng, count: number, make: (old: string) => string) {
  const starts = lineStarts(text);
  const first = r.int(starts.length);
  const last = Math.min(starts.length, first + count);
  const from = starts[first];
  const to = last < starts.length ? starts[last] : text.length;
  let insert = make(text.slice(from, to));
  // The kept suffix must start at a line start.
  if (to < text.length && insert && !insert.endsWith('\n')) insert += '\n';
  return { text: text.slice(0, from) + insert + text.slice(to), span: { from, to, insert } };
}

const OPS: readonly Op[] = [
  {
    name: 'truncate',
    apply: (t, r) => {
      const at = r.int(t.length + 1);
      const from = t.lastIndexOf('\n', at - 1) + 1;
      return { text: t.slice(0, at), span: { from, to: t.length, insert: t.slice(from, at) } };
    },
  },
  { name: 'delete-lines', apply: (t, r) => replaceLines(t, r, 1 + r.int(3), () => '') },
  { name: 'duplicate-lines', apply: (t, r) => replaceLines(t, r, 1 + r.int(3), (old) => old + (old.endsWith('\n') ? '' : '\n') + old) },
  {
    name: 'insert-junk-line',
    apply: (t, r) => replaceLines(t, r, 1, (old) => junkLine(r) + '\n' + old),
  },
  {
    name: 'junk-in-line',
    apply: (t, r) =>
      replaceLines(t, r, 1, (old) => {
        const body = old.replace(/\n$/, '');
        const at = r.int(body.length + 1);
        return body.slice(0, at) + junkLine(r) + body.slice(at);
      }),
  },
  {
    name: 'delete-chars',
    apply: (t, r) =>
      replaceLines(t, r, 1, (old) => {
        const body = old.replace(/\n$/, '');
        const at = r.int(body.length + 1);
        return body.slice(0, at) + body.slice(at + 1 + r.int(8));
      }),
  },
  {
    name: 'nesting',
    apply: (t, r) => {
      const [open, close] = r.pick(NESTERS);
      const depth = r.pick([50, 500, 3000]);
      const balanced = r.chance(0.5);
      return replaceLines(t, r, 1, (old) => open.repeat(depth) + '1' + (balanced ? close.repeat(depth) : '') + '\n' + old);
    },
  },
  {
    name: 'long-line',
    apply: (t, r) => {
      const unit = r.pick(['a', ' ', 'x.', '${a}', '"', '\\', '1', ':', '[', ', a', '# ', 'ab:cd::', '\u202E', 'é']);
      const len = r.pick([10_000, 100_000, 300_000]);
      return replaceLines(t, r, 1, (old) => (r.chance(0.5) ? old.replace(/\n$/, '') : '') + unit.repeat(Math.ceil(len / unit.length)) + '\n');
    },
  },
  {
    name: 'hostile-chars',
    apply: (t, r) => {
      let s = t;
      const n = 1 + r.int(6);
      for (let i = 0; i < n; i++) {
        const at = r.int(s.length + 1);
        s = s.slice(0, at) + r.pick(HOSTILE_CHARS) + s.slice(at + (r.chance(0.3) ? 1 : 0));
      }
      return { text: s };
    },
  },
  { name: 'crlf', apply: (t) => ({ text: t.replace(/\r?\n/g, '\r\n') }) },
  { name: 'cr-only', apply: (t) => ({ text: t.replace(/\r?\n/g, '\r') }) },
  { name: 'bom', apply: (t) => ({ text: '\uFEFF' + t }) },
  {
    name: 'shuffle-lines',
    apply: (t, r) => {
      const lines = t.split('\n');
      const from = r.int(lines.length);
      const to = Math.min(lines.length, from + 2 + r.int(20));
      const part = lines.slice(from, to);
      for (let i = part.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [part[i], part[j]] = [part[j], part[i]];
      }
      return { text: [...lines.slice(0, from), ...part, ...lines.slice(to)].join('\n') };
    },
  },
  {
    name: 'splice-other',
    // Lines of another format in this file (a compose snippet in a Nix file, ...).
    apply: (t, r) => replaceLines(t, r, 1, (old) => r.pick(['services:\n  a:\n    ports: ["::1:25:25"]\n', 'smtp inet n - y - - smtpd\n  -o x=y\n', '@ IN SOA a b 1 2 3 4 5\n', '{ networking.hostName = "x"; }\n', 'mynetworks = ::1/128\n']) + old),
  },
  { name: 'empty', apply: () => ({ text: '' }) },
  {
    name: 'random-bytes',
    apply: (t, r) => {
      const n = r.int(2000);
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(r.chance(0.9) ? r.int(128) : r.int(0x10000));
      return { text: r.chance(0.5) ? s : t.slice(0, r.int(t.length + 1)) + s };
    },
  },
];

export const OPERATOR_NAMES = OPS.map((o) => o.name);

/** 1–3 operators; `keep` is set when there was one line-localized operator. */
export function mutate(text: string, r: Rng): Mutant {
  const count = r.chance(0.7) ? 1 : 2 + r.int(2);
  let out = text;
  const ops: string[] = [];
  let keep: Keep | undefined;
  for (let i = 0; i < count; i++) {
    const op = r.pick(OPS);
    const res = op.apply(out, r);
    ops.push(op.name);
    keep = count === 1 && res.span ? { prefixEnd: res.span.from, suffixStart: res.span.to, mutantSuffixStart: res.span.from + res.span.insert.length } : undefined;
    out = res.text;
  }
  return { text: out, ops, keep };
}
