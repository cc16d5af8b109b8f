/** Every rule, in one list. Adding a rule: its file, its tests, its docs, and one line here. */
import type { Rule } from './types';
import { aaaaNotOnHost } from './network/aaaa-not-on-host';
import { ipv6NoDefaultRoute } from './network/ipv6-no-default-route';
import { ipv6SharedPrefix } from './network/ipv6-shared-prefix';
import { postfixBindAddressNotOnHost } from './network/postfix-bind-address-not-on-host';
import { postfixIpv6SourceAmbiguous } from './network/postfix-ipv6-source-ambiguous';
import { postfixIpv6UnauthenticatedSource } from './network/postfix-ipv6-unauthenticated-source';
import { postfixIpv6Unused } from './network/postfix-ipv6-unused';
import { nixSyntax } from './config/nix-syntax';
import { composeSyntax } from './config/compose-syntax';
import { dnsZoneSyntax } from './config/dns-zone-syntax';
import { postfixMatchListBrackets } from './config/postfix-match-list-brackets';
import { postfixUnknownParameter } from './config/postfix-unknown-parameter';
import { postfixMasterCfSyntax } from './config/postfix-master-cf-syntax';
import { postfixInetInterfacesLoopback } from './config/postfix-inet-interfaces-loopback';
import { composeNetnsWithoutIpv6 } from './compose/compose-netns-without-ipv6';
import { composePortIpv6Brackets } from './compose/compose-port-ipv6-brackets';
import { composePublishedIpv4Only } from './compose/compose-published-ipv4-only';
import { relayDualStackWithoutIpv6 } from './config/relay-dual-stack-without-ipv6';
import { hardcodedTailnetAddress } from './config/hardcoded-tailnet-address';
import { nixosRemovedOption } from './config/nixos-removed-option';

export const ALL_RULES: readonly Rule[] = [
  aaaaNotOnHost,
  ipv6NoDefaultRoute,
  postfixIpv6UnauthenticatedSource,
  postfixIpv6SourceAmbiguous,
  postfixBindAddressNotOnHost,
  postfixIpv6Unused,
  ipv6SharedPrefix,
  nixSyntax,
  composeSyntax,
  dnsZoneSyntax,
  postfixMatchListBrackets,
  postfixUnknownParameter,
  postfixMasterCfSyntax,
  postfixInetInterfacesLoopback,
  composeNetnsWithoutIpv6,
  composePortIpv6Brackets,
  composePublishedIpv4Only,
  relayDualStackWithoutIpv6,
  hardcodedTailnetAddress,
  nixosRemovedOption,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.meta.id === id);
}
