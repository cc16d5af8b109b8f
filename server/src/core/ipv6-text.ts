/**
 * RFC 5952 text of an IPv6 address given as eight 16-bit groups: lower case, no leading
 * zeros, the longest run (the first on a tie) of two or more zero groups as `::`. Hot in the
 * DNS client (every AAAA answer), so it does not go through a parser object.
 */
export function formatIpv6Groups(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  // One loop for every shape (with or without `::`): a shape first met after the function
  // was optimised no longer deoptimises it, nor the callers it was inlined into.
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      text += '::';
      i += bestLen - 1;
    } else {
      if (i > 0 && i !== best + bestLen) text += ':';
      text += groups[i].toString(16);
    }
  }
  return text;
}

const HEX_AND_COLONS = /^[0-9a-f:]+$/i;

/**
 * RFC 5952 text of an IPv6 literal written with hex digits and colons only, from the
 * platform's URL parser (several times faster than ip-address; it refuses what is not an
 * address); undefined for anything else, which callers leave to ip-address.
 */
export function hexOnlyIpv6Text(text: string): string | undefined {
  if (!HEX_AND_COLONS.test(text)) return undefined;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** The eight 16-bit groups of a valid hex-only IPv6 text (such as hexOnlyIpv6Text's). */
export function ipv6Groups(text: string): number[] {
  // Filled in place: the array always has the same shape (small integers, packed), so code
  // reading it is not deoptimised by arrays of another elements kind.
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  const gap = text.indexOf('::');
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  if (head) {
    const h = head.split(':');
    for (let i = 0; i < h.length; i++) groups[i] = parseInt(h[i], 16);
  }
  if (tail) {
    const t = tail.split(':');
    for (let i = 0; i < t.length; i++) groups[8 - t.length + i] = parseInt(t[i], 16);
  }
  return groups;
}

/**
 * The eight groups of `text` when it is already the RFC 5952 text of an address (as zone
 * files, the DNS client and most configurations write it), else undefined: the text is its
 * own canonical form exactly when formatting its groups gives it back, so the URL parser
 * (hexOnlyIpv6Text) is needed only for other spellings.
 */
export function canonicalIpv6Groups(text: string): number[] | undefined {
  if (text.length > 39 || !HEX_AND_COLONS.test(text)) return undefined;
  const gap = text.indexOf('::');
  const head = gap < 0 ? text.split(':') : gap === 0 ? [] : text.slice(0, gap).split(':');
  const tail = gap < 0 || gap + 2 === text.length ? [] : text.slice(gap + 2).split(':');
  // Checked before any group is written, so the array keeps its eight small integers.
  if (gap < 0 ? head.length !== 8 : head.length + tail.length > 6) return undefined;
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < head.length; i++) if (!setGroup(groups, i, head[i])) return undefined;
  for (let i = 0; i < tail.length; i++) if (!setGroup(groups, 8 - tail.length + i, tail[i])) return undefined;
  return formatIpv6Groups(groups) === text ? groups : undefined;
}

/** One group from 1-4 hex digits (the caller has checked the characters). */
function setGroup(groups: number[], i: number, piece: string): boolean {
  if (piece.length === 0 || piece.length > 4) return false;
  groups[i] = parseInt(piece, 16);
  return true;
}

