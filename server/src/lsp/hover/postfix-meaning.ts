/** One-line meanings of the Postfix parameters the rules read (the catalog has names and defaults only). */
export const POSTFIX_MEANING: Readonly<Record<string, string>> = {
  inet_protocols: 'Address families Postfix uses for both inbound and outbound connections (ipv4, ipv6, all).',
  inet_interfaces: 'Network interface addresses Postfix receives mail on.',
  smtp_bind_address: 'IPv4 source address of outbound SMTP connections.',
  smtp_bind_address6: 'IPv6 source address of outbound SMTP connections; without it the kernel picks one.',
  smtp_bind_address_enforce: 'Defer delivery when the bind address cannot be used, instead of sending unbound.',
  smtp_address_preference: 'Which family the SMTP client tries first when a destination has both; it only reorders, it does not stop IPv6.',
  mynetworks: 'Clients trusted to relay (a match list: IPv6 networks must be written in [brackets]).',
  mynetworks_style: 'How mynetworks is derived when not set.',
  myhostname: 'The host name Postfix uses in HELO/EHLO and its banner; receivers compare it with the PTR of the source address.',
  mydomain: 'The local domain; defaults to myhostname minus its first label.',
  myorigin: 'The domain appended to locally posted mail.',
  mydestination: 'Domains this machine delivers locally.',
  relayhost: 'The next hop for non-local mail (smarthost); [brackets] skip the MX lookup.',
  transport_maps: 'Per-destination next hops.',
  smtpd_tls_security_level: 'TLS policy of the SMTP server.',
  smtp_tls_security_level: 'TLS policy of the SMTP client.',
};
