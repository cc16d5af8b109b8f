/**
 * Safe Markdown for hovers. Configuration text and DNS data are untrusted: a TXT record can
 * hold anything. Text outside code is escaped so it can never become a link, image, HTML or
 * emphasis; DNS data goes into fenced blocks whose fence is longer than any backtick run in
 * it, so it cannot close the block. Control and bidirectional-override characters are removed
 * everywhere (they can make text read differently from what it is).
 */

// C0/C1 controls except tab/newline, and the Unicode bidi controls (LRE..RLO, LRI..PDI, LRM/RLM/ALM).
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripUnsafe(text: string): string {
  return text.replace(UNSAFE, '\uFFFD');
}

/** Escapes every character Markdown or HTML could interpret; newlines become spaces. */
export function escapeMarkdown(text: string): string {
  return stripUnsafe(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|<>~:&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : c === "'" ? '&#39;' : '\\' + c));
}

/** A fenced code block that its content cannot end. */
export function codeBlock(text: string, language = ''): string {
  const clean = stripUnsafe(text).replace(/\r\n?/g, '\n');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${clean}\n${fence}`;
}

export function heading(text: string): string {
  return `**${escapeMarkdown(text)}**`;
}

/** "12 s", "5 min", "3 h", "2 d". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
