import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeRoundTrip, scenario, zone } from './support';

const ZONE = zone('example.org', [
  'mx1 IN A 192.0.2.25',
  'mx1 IN AAAA 2001:db8::25',
  'mx4 IN A 192.0.2.26',
  'smtp.relay IN A 198.51.100.10',
  'smtp.relay IN AAAA 2001:db8:100::10',
  'v4relay IN A 198.51.100.11',
]);

test('compose-port-ipv6-brackets: literal and .env variable forms, both fixed and re-parsed', async () => {
  const a = await scenario({
    'stack/compose.yaml': '# mail stack\nservices:\n  mta:\n    image: mta.example/postfix\n    ports:\n      - "2001:db8::25:25:25" # public\n      - ${BIND6}:587:587\n      - "[2001:db8::25]:465:465"\n      - "192.0.2.25:25:25"\n',
    'stack/.env': 'BIND6=2001:db8::25\n',
  });
  try {
    const f = a.of('compose-port-ipv6-brackets');
    assert.equal(f.length, 2);
    assert.ok(f.every((x) => x.severity === 'error'));
    assert.deepEqual(f.map((x) => x.fixes[0].title), ['Write as [2001:db8::25]:25:25', 'Write as [${BIND6}]:587:587']);
    const r = await composeRoundTrip(a, f[0]);
    assert.match(r.changed.get('stack/compose.yaml')!, /- "\[2001:db8::25\]:25:25" # public/);
    const again = r.after.of('compose-port-ipv6-brackets');
    assert.equal(again.length, 1);
    const r2 = await composeRoundTrip(r.after, again[0]);
    assert.deepEqual(r2.after.of('compose-port-ipv6-brackets'), []);
    r.after.dispose();
    r2.after.dispose();
  } finally {
    a.dispose();
  }
});

test('compose-published-ipv4-only: 0.0.0.0 publication of a mail name with AAAA; fix publishes on all addresses', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'stack/compose.yaml': 'services:\n  mta:\n    image: mta.example/postfix\n    hostname: mx1.example.org\n    ports:\n      - "0.0.0.0:25:25"\n    networks: [mail]\nnetworks:\n  mail:\n    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: fd00:1:2:3::/64\n',
  });
  try {
    const f = a.of('compose-published-ipv4-only');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /only on IPv4/);
    const r = await composeRoundTrip(a, f[0]);
    assert.match(r.changed.get('stack/compose.yaml')!, /- "25:25"/);
    assert.deepEqual(r.after.of('compose-published-ipv4-only'), []);
    r.after.dispose();
  } finally {
    a.dispose();
  }
});

test('compose-published-ipv4-only: all addresses into a network without IPv6; enable IPv6 on the network', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'stack/compose.yaml': 'services:\n  mta:\n    image: mta.example/postfix\n    hostname: mx1.example.org\n    ports:\n      - "25:25"\n',
  });
  try {
    const f = a.of('compose-published-ipv4-only');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /without IPv6/);
    const r = await composeRoundTrip(a, f[0]);
    assert.match(r.changed.get('stack/compose.yaml')!, /enable_ipv6: true/);
    assert.match(r.changed.get('stack/compose.yaml')!, /subnet: "?fd[0-9a-f]{2}:[0-9a-f]{4}:[0-9a-f]{4}:[0-9a-f]{4}::\/64/);
    assert.deepEqual(r.after.of('compose-published-ipv4-only'), []);
    r.after.dispose();
  } finally {
    a.dispose();
  }
});

test('compose-published-ipv4-only: silent without AAAA, with unknown DNS, or with unknown host address', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'a/compose.yaml': 'services:\n  mta:\n    hostname: mx4.example.org\n    ports: ["0.0.0.0:25:25"]\n',
    'b/compose.yaml': 'services:\n  mta:\n    hostname: mx.not-in-zones.test\n    ports: ["0.0.0.0:25:25"]\n',
    'c/compose.yaml': 'services:\n  mta:\n    hostname: mx1.example.org\n    ports: ["${BIND}:25:25"]\n    networks: [x]\nnetworks:\n  x:\n    enable_ipv6: true\n',
  });
  try {
    assert.deepEqual(a.of('compose-published-ipv4-only').map((f) => f.message), []);
  } finally {
    a.dispose();
  }
});

test('compose-netns-without-ipv6: mail service in a VPN container namespace without IPv6', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'stack/compose.yaml': '# vpn + mail\nservices:\n  vpn:\n    image: vpn.example/gateway\n    ports:\n      - "25:25"\n  mail:\n    image: mta.example/postfix\n    hostname: mx1.example.org\n    network_mode: "service:vpn"\n',
  });
  try {
    const f = a.of('compose-netns-without-ipv6');
    assert.equal(f.length, 1);
    assert.equal(f[0].at.range.start.line, 9);
    assert.match(f[0].message, /namespace of vpn/);
    const r = await composeRoundTrip(a, f[0]);
    assert.match(r.changed.get('stack/compose.yaml')!, /networks:\n  default:\n    enable_ipv6: true/);
    assert.deepEqual(r.after.of('compose-netns-without-ipv6'), []);
    r.after.dispose();
  } finally {
    a.dispose();
  }
});

test('compose-netns-without-ipv6: silent when the names have no AAAA or the owner network has IPv6', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'a/compose.yaml': 'services:\n  vpn:\n    ports: ["25:25"]\n  mail:\n    hostname: mx4.example.org\n    network_mode: "service:vpn"\n',
    'b/compose.yaml': 'services:\n  vpn:\n    ports: ["25:25"]\n    networks: [v6]\n  mail:\n    hostname: mx1.example.org\n    network_mode: "service:vpn"\nnetworks:\n  v6:\n    enable_ipv6: true\n',
    'c/compose.yaml': 'services:\n  web:\n    image: web.example/nginx\n  sidecar:\n    network_mode: "service:web"\n',
  });
  try {
    assert.deepEqual(a.of('compose-netns-without-ipv6').map((f) => f.message), []);
  } finally {
    a.dispose();
  }
});

test('relay-dual-stack-without-ipv6: compose relay with A and AAAA from a service without IPv6 egress', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'stack/compose.yaml': 'services:\n  postfix:\n    image: mta.example/relay\n    environment:\n      RELAYHOST: "[smtp.relay.example.org]:587"\n      OTHER: "[v4relay.example.org]:587"\n    networks: [mail]\nnetworks:\n  mail:\n    driver: bridge\n',
  });
  try {
    const f = a.of('relay-dual-stack-without-ipv6');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.match(f[0].message, /smtp\.relay\.example\.org has A \(198\.51\.100\.10\) and AAAA/);
    assert.equal(f[0].fixes.length, 2);
    assert.ok(f[0].related.some((r) => a.rel(r.at.file) === 'dns/example.org.zone'));
    // IPv4 literal fix
    const lit = f[0].fixes.findIndex((x) => /IPv4 address/.test(x.title));
    const r = await composeRoundTrip(a, f[0], lit);
    assert.match(r.changed.get('stack/compose.yaml')!, /RELAYHOST: "\[198\.51\.100\.10\]:587"/);
    r.after.dispose();
  } finally {
    a.dispose();
  }
});

test('relay-dual-stack-without-ipv6: enable IPv6 fix; silent for unknown DNS and IPv4-only relays', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'stack/compose.yaml': 'services:\n  postfix:\n    environment:\n      - RELAY_HOST=smtp.relay.example.org\n',
    'b/compose.yaml': 'services:\n  postfix:\n    environment:\n      - RELAY_HOST=relay.offline.test\n      - SMTP_RELAY_HOST=v4relay.example.org\n      - DEFAULT_RELAY_HOST=${UNSET_RELAY}\n',
  });
  try {
    const f = a.of('relay-dual-stack-without-ipv6');
    assert.deepEqual(f.map((x) => a.rel(x.at.file)), ['stack/compose.yaml']);
    const enable = f[0].fixes.findIndex((x) => /Enable IPv6/.test(x.title));
    const r = await composeRoundTrip(a, f[0], enable);
    assert.deepEqual(r.after.of('relay-dual-stack-without-ipv6'), []);
    r.after.dispose();
  } finally {
    a.dispose();
  }
});

test('hardcoded-tailnet-address: compose env relay and published port', async () => {
  const a = await scenario({
    'stack/compose.yaml': 'services:\n  postfix:\n    environment:\n      RELAYHOST: "[100.101.102.103]:587"\n      NOTE: "just text 100.64.0.1 inside"\n    ports:\n      - "100.90.1.2:25:25"\n',
  });
  try {
    const f = a.of('hardcoded-tailnet-address');
    assert.equal(f.length, 2);
    const relay = f.find((x) => /RELAYHOST/.test(x.message))!;
    const r = await composeRoundTrip(a, relay);
    assert.match(r.changed.get('stack/compose.yaml')!, /RELAYHOST: "\[MACHINE\.TAILNET-NAME\.ts\.net\]:587"/);
    r.after.dispose();
  } finally {
    a.dispose();
  }
});
