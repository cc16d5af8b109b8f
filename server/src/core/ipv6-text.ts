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
