/** Every rule, in one list. Adding a rule: its file, its tests, its docs, and one line here. */
import type { Rule } from './types';
import { aaaaNotOnHost } from './network/aaaa-not-on-host';
import { ipv6NoDefaultRoute } from './network/ipv6-no-default-route';
import { ipv6SharedPrefix } from './network/ipv6-shared-prefix';
import { postfixBindAddressNotOnHost } from './network/postfix-bind-address-not-on-host';
import { postfixIpv6SourceAmbiguous } from './network/postfix-ipv6-source-ambiguous';
import { postfixIpv6UnauthenticatedSource } from './network/postfix-ipv6-unauthenticated-source';
import { postfixIpv6Unused } from './network/postfix-ipv6-unused';

export const ALL_RULES: readonly Rule[] = [
  aaaaNotOnHost,
  ipv6NoDefaultRoute,
  postfixIpv6UnauthenticatedSource,
  postfixIpv6SourceAmbiguous,
  postfixBindAddressNotOnHost,
  postfixIpv6Unused,
  ipv6SharedPrefix,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.meta.id === id);
}
