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
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
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
  const gap = text.indexOf('::');
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = gap < 0 ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((g) => parseInt(g, 16));
}
