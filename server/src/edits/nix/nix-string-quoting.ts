/** Writing arbitrary text as Nix source: string literals and attribute names. */

/** Escapes text for the inside of a `"…"` string (`\`, `"`, `${` and control characters). */
export function escapeDoubleQuoted(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\$\{/g, '\\${')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
}

/** A `"…"` Nix string literal whose value is exactly `text`. */
export function quoteNixString(text: string): string {
  return `"${escapeDoubleQuoted(text)}"`;
}

/** Escapes one line of text for the inside of a `''…''` string (`''` and `${`). */
export function escapeIndentedLine(text: string): string {
  return text.replace(/''/g, "'''").replace(/\$\{/g, "''${");
}

const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

/** An attribute name as Nix source: bare when it is an identifier, else a quoted string. */
export function formatAttrName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name) && !KEYWORDS.has(name) ? name : quoteNixString(name);
}

/** A dotted attribute path as Nix source (`networking.interfaces."eth0.5".ipv6`). */
export function formatAttrPath(keys: readonly string[]): string {
  return keys.map(formatAttrName).join('.');
}
