/**
 * Template placeholders that configuration generators leave in main.cf/master.cf text:
 * Jinja (`{{ }}`, `{% %}`, `{# #}`: Mailu and Ansible roles), iRedMail's `PH_NAME`, and
 * shell-style `${NAME}` / `${NAME:-default}` (envsubst in container images). A value holding
 * one is unknown until rendered: rules must never judge it.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

const JINJA = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;
const IREDMAIL = /\bPH_[A-Z0-9_]+/g;
/** Upper-case shell variables; Postfix parameter names are lower case (a few have capitals
 * mid-name, like smtpd_tls_CAfile, but none is all capitals). */
const SHELL = /\$\{[A-Z][A-Z0-9_]*(?::?[-=?+][^}]*)?\}/g;

/** What every placeholder above contains: text without any of these has none (nearly all text). */
const ANY_PLACEHOLDER = /\{[{%#]|PH_|\$\{/;

/** Offsets (within `text`) of every template placeholder, sorted and non-overlapping. */
export function templateSpans(text: string): Span[] {
  if (!ANY_PLACEHOLDER.test(text)) return [];
  const spans: Span[] = [];
  for (const re of [JINJA, IREDMAIL, SHELL]) {
    for (const m of text.matchAll(re)) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      if (s.end > last.end) merged[merged.length - 1] = { start: last.start, end: s.end };
    } else merged.push(s);
  }
  return merged;
}

export function hasTemplate(text: string): boolean {
  return templateSpans(text).length > 0;
}

/** The span covering offset `i`, if any (a loop: callers ask once per character). */
export function spanAt(spans: readonly Span[], i: number): Span | undefined {
  for (const sp of spans) if (sp.start <= i && i < sp.end) return sp;
  return undefined;
}

export function overlaps(spans: readonly Span[], start: number, end: number): boolean {
  return spans.some((s) => s.start < end && start < s.end);
}

/** A line that is only template statements/comments (`{% if X %}`, `{# note #}`): a
 * generator directive, not a main.cf line. */
export function isTemplateOnlyLine(line: string): boolean {
  if (!line.includes('{')) return false; // every template statement or comment starts with one
  const rest = line.replace(JINJA, '').trim();
  return rest.length === 0 && line.trim().length > 0;
}
