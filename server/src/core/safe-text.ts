/**
 * Finding messages quote names, values and records from files and DNS: untrusted text. Before
 * a message reaches any output (terminal, JSON, SARIF, editor) the characters that make text
 * display differently from what it is are replaced by a visible escape (`\u{202e}`): C0/C1
 * controls (terminal escapes, NUL, line breaks that would fake another finding), bidirectional
 * controls (Trojan Source), zero-width and invisible characters, and lone surrogates.
 */
import type { Finding, Fix, RelatedInfo } from './finding';

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
    related: f.related.map(neutralizeRelated),
    fixes: f.fixes.map(neutralizeFix),
  };
}

export function neutralizeRelated(r: RelatedInfo): RelatedInfo {
  return { at: r.at, message: neutralize(r.message) };
}

/**
 * Built field by field in one of two shapes: rules build fixes in several field orders, and a
 * spread copy kept each (V8 gives many such copies a hidden class of their own), so every
 * later read of a fix missed its inline cache.
 */
export function neutralizeFix(x: Fix): Fix {
  const title = neutralize(x.title);
  return x.preferred === undefined ? { title, edits: x.edits } : { title, preferred: x.preferred, edits: x.edits };
}
