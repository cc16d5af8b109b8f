/** What the cursor is on: an IP literal or host name in the text, else a fact of the model. */
import type { Position, Range } from '../../core/text';
import type { FileKind } from '../../core/files';
import { parseIp } from '../../dns/names';

export type TextTarget =
  | { readonly kind: 'ip'; readonly address: string; readonly family: 4 | 6; readonly range: Range }
  | { readonly kind: 'name'; readonly name: string; readonly range: Range };

const NOT_TLDS = new Set(['nix', 'cf', 'yml', 'yaml', 'zone', 'env', 'conf', 'json', 'txt', 'sh', 'pem', 'key', 'crt', 'db', 'cidr', 'pcre', 'regexp', 'lmdb', 'hash', 'in', 'j2', 'tpl', 'md', 'service', 'socket', 'target', 'enable', 'settings', 'main', 'master', 'config', 'addresses', 'address', 'interfaces', 'networks', 'hostname', 'domain', 'fqdn', 'lib', 'pkgs', 'url']);

function covering(re: RegExp, line: string, ch: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  for (const m of line.matchAll(re)) {
    const start = m.index ?? 0;
    if (start <= ch && ch <= start + m[0].length) out.push({ text: m[0], start });
  }
  return out;
}

function range(line: number, start: number, length: number): Range {
  return { start: { line, character: start }, end: { line, character: start + length } };
}

function ipAt(lineText: string, pos: Position): TextTarget | undefined {
  for (const m of covering(/\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g, lineText, pos.character)) {
    const ip = parseIp(m.text);
    if (ip) return { kind: 'ip', address: ip.text, family: ip.family, range: range(pos.line, m.start, m.text.length) };
  }
  for (const m of covering(/[0-9A-Fa-f]*:[0-9A-Fa-f:.]*[0-9A-Fa-f:]/g, lineText, pos.character)) {
    // A compose port item `::1:25:25` holds the address before the ports: drop up to two `:N` tails.
    let text = m.text;
    for (let i = 0; i < 3 && text; i++) {
      const ip = parseIp(text);
      if (ip && ip.family === 6 && pos.character <= m.start + text.length) return { kind: 'ip', address: ip.text, family: 6, range: range(pos.line, m.start, text.length) };
      text = text.replace(/:\d+$/, '');
    }
  }
  return undefined;
}

/** Whether a dotted word at `start` is plausibly a value (not a Nix attribute path or a YAML key). */
function inValuePosition(kind: FileKind, lineText: string, start: number, end: number): boolean {
  const before = lineText.slice(0, start);
  if (kind === 'nix') return (before.match(/(?<!\\)"/g) ?? []).length % 2 === 1 || /''[^']*$/.test(before);
  if (kind === 'postfix-main') return before.includes('=') || /^\s/.test(lineText);
  if (kind === 'postfix-master') return /-o\s+\S*=\S*$|=$/.test(before) || before.includes('=');
  const after = lineText.slice(end);
  return !/^\s*:(\s|$)/.test(after) && !/^\s*=/.test(after);
}

function nameAt(kind: FileKind, lineText: string, pos: Position): TextTarget | undefined {
  const re = /[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)+\.?/g;
  for (const m of covering(re, lineText, pos.character)) {
    if (lineText[m.start - 1] === '$' || lineText[m.start - 1] === '{') continue;
    const name = m.text.replace(/\.$/, '').toLowerCase();
    const labels = name.split('.');
    const tld = labels[labels.length - 1];
    if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(tld) || NOT_TLDS.has(tld) || name.includes('_')) continue;
    if (kind !== 'zone' && !inValuePosition(kind, lineText, m.start, m.start + m.text.length)) continue;
    return { kind: 'name', name, range: range(pos.line, m.start, m.text.length) };
  }
  return undefined;
}

export function textTargetAt(kind: FileKind, lineText: string, pos: Position): TextTarget | undefined {
  if (kind === 'nix' || kind === 'postfix-main' || kind === 'postfix-master') {
    // `#` starts a comment in these formats: no hover from comments.
    const hash = lineText.indexOf('#');
    if (hash >= 0 && hash < pos.character && !(kind === 'nix' && /"[^"]*#/.test(lineText.slice(0, pos.character)))) return undefined;
  }
  return ipAt(lineText, pos) ?? nameAt(kind, lineText, pos);
}
