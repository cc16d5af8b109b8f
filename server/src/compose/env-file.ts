/**
 * The `.env` format compose reads for interpolation and `env_file:`: `KEY=value` lines,
 * `export ` prefixes, `#` comments, single quotes (literal), double quotes (escapes,
 * may span lines), unquoted values with ` #` trailing comments. Unquoted and double-quoted
 * values interpolate variables defined earlier in the file.
 */
import type { Locator } from '../core/source';
import { interpolate, type EnvValue } from './interpolate';

export interface EnvEntry extends EnvValue {
  /** The key as written. */
  readonly nameAt: import('../core/text').Location;
  /** The value as written (quotes included). */
  readonly raw: string;
}

export interface EnvFile {
  readonly entries: ReadonlyMap<string, EnvEntry>;
  /** Lines that are neither blank, comment nor assignment (0-based). */
  readonly badLines: readonly { readonly line: number; readonly start: number; readonly end: number }[];
}

const ASSIGN = /^([ \t]*)(export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=?)/;
const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

export function parseEnvFile(text: string, locate: Locator): EnvFile {
  const entries = new Map<string, EnvEntry>();
  const badLines: EnvFile['badLines'][number][] = [];
  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const lineText = text.slice(pos, eol).replace(/\r$/, '');
    const trimmed = lineText.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      pos = eol + 1;
      line++;
      continue;
    }
    const m = ASSIGN.exec(lineText);
    if (!m || (!m[4] && lineText.slice(m[0].length).trim() !== '' && !lineText.slice(m[0].length).trim().startsWith('#'))) {
      badLines.push({ line, start: pos, end: pos + lineText.length });
      pos = eol + 1;
      line++;
      continue;
    }
    const name = m[3];
    const nameStart = pos + m[1].length + (m[2]?.length ?? 0);
    const nameAt = locate(nameStart, nameStart + name.length);
    if (!m[4]) {
      // `KEY` alone takes the value from the environment compose runs in: unknown here.
      entries.set(name, { name, value: null, reason: `${name} takes its value from the shell environment`, at: nameAt, nameAt, raw: '' });
      pos = eol + 1;
      line++;
      continue;
    }
    let vStart = pos + m[0].length;
    while (text[vStart] === ' ' || text[vStart] === '\t') vStart++;
    const q = text[vStart];
    let value: string;
    let vEnd: number;
    let interpolable = true;
    if (q === "'" || q === '"') {
      const close = findClosingQuote(text, vStart + 1, q);
      if (close < 0) {
        badLines.push({ line, start: pos, end: pos + lineText.length });
        pos = eol + 1;
        line++;
        continue;
      }
      vEnd = close + 1;
      const inner = text.slice(vStart + 1, close);
      if (q === "'") {
        value = inner;
        interpolable = false;
      } else {
        value = inner.replace(/\\(.)/gs, (all, ch: string) => DOUBLE_ESCAPES[ch] ?? all);
      }
    } else {
      let raw = text.slice(vStart, eol).replace(/\r$/, '');
      const comment = /[ \t]#/.exec(raw);
      if (comment) raw = raw.slice(0, comment.index);
      raw = raw.trimEnd();
      value = raw;
      vEnd = vStart + raw.length;
    }
    const at = locate(vStart, vEnd);
    const raw = text.slice(vStart, vEnd);
    if (interpolable && value.includes('$')) {
      const r = interpolate(value, entries);
      entries.set(name, r.value === null
        ? { name, value: null, reason: r.reason, at, nameAt, raw }
        : { name, value: r.value, at, nameAt, raw });
    } else {
      entries.set(name, { name, value, at, nameAt, raw });
    }
    // Continue after the value (a quoted value may span lines).
    let next = text.indexOf('\n', vEnd);
    if (next < 0) next = text.length;
    line += countNewlines(text, pos, next) + 1;
    pos = next + 1;
  }
  return { entries, badLines };
}

function findClosingQuote(text: string, from: number, q: string): number {
  for (let i = from; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') i++;
    else if (text[i] === q) return i;
  }
  return -1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
