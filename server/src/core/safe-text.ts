/**
 * Finding messages quote names, values and records from files and DNS: untrusted text. Before
 * a message reaches any output (terminal, JSON, SARIF, editor) the characters that make text
 * display differently from what it is are replaced by a visible escape (`\u{202e}`): C0/C1
 * controls (terminal escapes, NUL, line breaks that would fake another finding), bidirectional
 * controls (Trojan Source), zero-width and invisible characters, and lone surrogates.
 */
import type { Finding } from './finding';

const UNSAFE =
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function neutralize(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** A finding with its message, related messages and fix titles neutralised (idempotent); edits untouched. */
export function neutralizeFinding<F extends Finding>(f: F): F {
  return {
    ...f,
    message: neutralize(f.message),
    related: f.related.map((r) => ({ ...r, message: neutralize(r.message) })),
    fixes: f.fixes.map((x) => ({ ...x, title: neutralize(x.title) })),
  };
}
