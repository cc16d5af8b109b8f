/** Turning evaluator spans into model Locations, and reading plain facts out of values. */
import { isIPv4 } from 'node:net';
import type { SourceFile } from '../core/source';
import { locatorFor } from '../core/source';
import type { Location } from '../core/text';
import type { Locator } from '../core/source';
import type { Val } from '../core/value';
import { known, unknown } from '../core/value';
import type { Family } from '../model/types';
import { locateInString } from './strings';
import type { NixValue, Of, Span } from './values';

/** A model object while it is filled in (fields set in the model's order, without spreads). */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

export class Locations {
  private readonly locators = new Map<string, Locator>();

  constructor(
    private readonly files: ReadonlyMap<string, SourceFile>,
    /** Where to point for values that have no source (built-in defaults). */
    readonly fallback: Location,
  ) {}

  of(span: Span | undefined): Location {
    if (!span || !span.file) return this.fallback;
    let l = this.locators.get(span.file);
    if (!l) {
      const f = this.files.get(span.file);
      if (!f) return this.fallback;
      l = locatorFor(f);
      this.locators.set(span.file, l);
    }
    return l(span.start, span.end);
  }

  /** The source text of a span (undefined when its file is not in the workspace). */
  text(span: Span): string | undefined {
    return this.files.get(span.file)?.text.slice(span.start, span.end);
  }

  withFallback(fallback: Location): Locations {
    return new Locations(this.files, fallback);
  }

  /** A Locator over a string value's characters, for the Postfix text parsers. */
  stringLocator(v: Of<'str'>): Locator {
    return (start, end) => this.of(locateInString(v, start, end));
  }

  /** The location of the whole content of a string value (without quotes when literal). */
  content(v: NixValue): Location {
    if (v.k === 'str' && v.s.length) return this.of(locateInString(v, 0, v.s.length));
    return this.of(v.at);
  }

  val<T>(v: NixValue | undefined, read: (v: NixValue) => T | undefined, what: string): Val<T> | undefined {
    if (!v) return undefined;
    if (v.k === 'unknown') return unknown(v.reason, this.of(v.at));
    const r = read(v);
    if (r === undefined) return unknown(`${what} is not ${describeExpected(what)}`, this.of(v.at));
    const literal = !v.via?.length && (v.k !== 'str' || v.pieces.every((p) => p.file === v.at.file && p.exact));
    return known(r, this.content(v), literal ? 'literal' : 'derived', v.via?.map((s) => this.of(s)));
  }
}

function describeExpected(what: string): string {
  return what.includes('enable') ? 'a boolean' : 'a usable value';
}

/** A fully known string (no unevaluated interpolation). */
export function knownString(v: NixValue | undefined): Of<'str'> | undefined {
  return v && v.k === 'str' && !v.holes?.length ? v : undefined;
}

export function boolOf(v: NixValue | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.k === 'bool') return v.b;
  // systemd.network options accept the strings systemd accepts.
  if (v.k === 'str' && !v.holes) {
    const s = v.s.trim().toLowerCase();
    if (['yes', 'true', 'on', '1'].includes(s)) return true;
    if (['no', 'false', 'off', '0'].includes(s)) return false;
  }
  return undefined;
}

export interface CanonicalIp {
  readonly address: string;
  readonly family: Family;
}

/**
 * Canonical text of an IP address (RFC 5952 for IPv6), with its family; undefined if not one.
 * Kept per text: a fleet names the same gateways and resolvers on every host of a site.
 */
export function canonicalIp(text: string): CanonicalIp | undefined {
  let ip = canonical.get(text);
  if (ip === undefined && !canonical.has(text)) {
    if (canonical.size >= CANONICAL_LIMIT) canonical.clear();
    canonical.set(text, (ip = parseIp(text)));
  }
  return ip;
}

const canonical = new Map<string, CanonicalIp | undefined>();
const CANONICAL_LIMIT = 50_000;

function parseIp(text: string): CanonicalIp | undefined {
  const t = text.trim();
  if (isIPv4(t)) return { address: t, family: 4 };
  const bare = t.replace(/%.*$/, '');
  // Over these characters the URL parser accepts exactly what node:net's isIPv6 does, and
  // without its long regex; the serialiser compresses the RFC 5952 way (lower case, longest
  // zero run). Other characters never make an address (the URL parser would drop tabs).
  if (!IPV6_CHARS.test(bare)) return undefined;
  try {
    return { address: new URL(`http://[${bare}]/`).hostname.slice(1, -1), family: 6 };
  } catch {
    return undefined;
  }
}

const IPV6_CHARS = /^[0-9a-f:.]+$/i;

/** `2001:db8::1/64` → address, prefix length and the offsets of the address part. */
export function splitCidr(text: string): { addr: string; prefix?: number; addrEnd: number } {
  const slash = text.indexOf('/');
  if (slash < 0) return { addr: text, addrEnd: text.length };
  const prefix = Number(text.slice(slash + 1));
  return { addr: text.slice(0, slash), prefix: Number.isInteger(prefix) ? prefix : undefined, addrEnd: slash };
}
