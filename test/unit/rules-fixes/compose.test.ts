/** Compose fixes that had no round trip: the `[AAAA]:port:port` item and `network_mode: container:X`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { everyFixRoundTrips, fixTitled, one, roundTrip, withAnalysis } from './helpers';

const PUBLISHED = 'compose-published-ipv4-only';
const NETNS = 'compose-netns-without-ipv6';

const SPECIFIC_V4 =
  '# mail stack\nservices:\n  mta:\n    image: mail.example/postfix\n    hostname: mx1.acme.example # the MX\n    ports:\n' +
  '      # SMTP on the public IPv4 only\n      - 192.0.2.26:25:25\n      - "192.0.2.26:587:587" # submission\n      - "8080:80"\n';

test('compose-published-ipv4-only: a specific IPv4 publication gets an [AAAA]:port:port item next to it (round trip, comments kept)', async () => {
  await withAnalysis({ 'mail/compose.yaml': SPECIFIC_V4 }, async (a) => {
    const f = a.of(PUBLISHED);
    assert.deepEqual(f.map((x) => x.at.range.start.line), [7, 8]);
    const smtp = f[0];
    assert.match(smtp.message, /publishes SMTP port 25 only on IPv4 \(192\.0\.2\.26\)/);
    const fx = fixTitled(smtp, /^Also publish/);
    assert.equal(fx.title, "Also publish on mx1.acme.example's IPv6 address: [2001:db8:26::25]:25:25");
    assert.equal(fx.preferred, true);
    const { after, changed } = await roundTrip(a, smtp, fx);
    try {
      const text = changed.get('mail/compose.yaml')!;
      // Appended after the last item, quoted like the quoted sibling (a plain `[` would start a flow sequence).
      assert.equal(text, SPECIFIC_V4 + '      - "[2001:db8:26::25]:25:25"\n');
      // The 587 publication is still IPv4-only, and it is the only finding left.
      assert.deepEqual(after.of(PUBLISHED).map((x) => x.at.range.start.line), [8]);
      const sub = fixTitled(one(after, PUBLISHED), /^Also publish/);
      const second = await roundTrip(after, one(after, PUBLISHED), sub);
      assert.deepEqual(second.after.of(PUBLISHED), []);
      second.after.dispose();
    } finally {
      after.dispose();
    }
  });
});

test('compose-published-ipv4-only: every item plain, the new item is still quoted; two AAAA records give no item fix', async () => {
  const plain = 'services:\n  mta:\n    image: mail.example/postfix\n    hostname: mail.acme.example\n    ports:\n      - 192.0.2.25:25:25\n';
  await withAnalysis({ 'm/compose.yaml': plain }, async (a) => {
    const f = one(a, PUBLISHED);
    const { after, changed } = await roundTrip(a, f, fixTitled(f, /^Also publish/));
    assert.equal(changed.get('m/compose.yaml'), plain + '      - "[2001:db8:25::25]:25:25"\n');
    after.dispose();
  });
  // Two AAAA records: which one the host answers on is not known, so no item is guessed.
  const two = 'services:\n  mta:\n    image: mail.example/postfix\n    hostname: mx.two.example\n    ports:\n      - 192.0.2.27:25:25\n';
  const zone = '$ORIGIN two.example.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\nmx IN A 192.0.2.27\nmx IN AAAA 2001:db8:27::25\nmx IN AAAA 2001:db8:27::26\n';
  await withAnalysis({ 'm/compose.yaml': two, 'dns/two.example.zone': zone }, (a) => {
    assert.deepEqual(one(a, PUBLISHED).fixes.map((x) => x.title), []);
  });
});

test('compose-published-ipv4-only: each fix of an IPv4-only finding removes it (enabling IPv6 on the network alone publishes nothing on IPv6)', async () => {
  const titles = await everyFixRoundTrips({ 'mail/compose.yaml': SPECIFIC_V4 }, PUBLISHED);
  assert.deepEqual(titles, [
    ["Also publish on mx1.acme.example's IPv6 address: [2001:db8:26::25]:25:25"],
    ["Also publish on mx1.acme.example's IPv6 address: [2001:db8:26::25]:587:587"],
  ]);
});

test('compose-netns-without-ipv6: network_mode "container:X" of a container in the project; fix enables IPv6 on its network', async () => {
  const yaml =
    '# mail through the VPN container\nservices:\n  vpn:\n    image: vpn.example/gateway\n    container_name: vpn\n    ports:\n      - "25:25" # inbound SMTP\n    networks:\n      - edge\n' +
    '  mail:\n    image: mail.example/postfix\n    hostname: mx1.acme.example\n    network_mode: "container:vpn" # shares the tunnel\nnetworks:\n  # the tunnel network\n  edge:\n    driver: bridge\n';
  await withAnalysis({ 'vpn/compose.yaml': yaml }, async (a) => {
    const f = one(a, NETNS);
    assert.equal(a.rel(f.at.file), 'vpn/compose.yaml');
    assert.equal(f.at.range.start.line, 12, 'at the network_mode line');
    assert.match(f.message, /service mail handles mail in the network namespace of vpn, whose network edge has no IPv6, but mx1\.acme\.example has AAAA/);
    const fx = fixTitled(f, /^Enable IPv6 on network edge \(enable_ipv6: true, ULA subnet fd[0-9a-f]{2}(:[0-9a-f]{4}){3}::\/64\)$/);
    const subnet = /ULA subnet (\S+)\)/.exec(fx.title)![1];
    const { after, changed } = await roundTrip(a, f, fx);
    try {
      assert.equal(changed.get('vpn/compose.yaml'), yaml + `    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: ${subnet}\n`);
      assert.deepEqual(after.of(NETNS), []);
    } finally {
      after.dispose();
    }
  });
});

test('compose-netns-without-ipv6: container:X naming no service of the project (another project, a container_name) stays silent', async () => {
  const yaml = 'services:\n  mail:\n    image: mail.example/postfix\n    hostname: mx1.acme.example\n    network_mode: "container:elsewhere"\n    ports:\n      - "25:25"\n';
  await withAnalysis({ 'vpn/compose.yaml': yaml }, (a) => {
    assert.deepEqual(a.of(NETNS), []);
  });
});

test('compose-netns-without-ipv6: container:X follows container_name, and compose default names <project>-<service>-<n>', async () => {
  const vpn = (containerName: string) =>
    `name: edge\nservices:\n  vpn:\n    image: vpn.example/gateway\n${containerName}    ports:\n      - "25:25"\n    networks:\n      - tunnel\n`;
  const mail = (target: string) => `  mail:\n    image: mail.example/postfix\n    hostname: mx1.acme.example\n    network_mode: "container:${target}"\nnetworks:\n  tunnel: {}\n`;
  const owner = /in the network namespace of vpn, whose network tunnel has no IPv6/;
  // container_name differs from the service name: the container is found by container_name.
  await withAnalysis({ 'vpn/compose.yaml': vpn('    container_name: tunnel-gw\n') + mail('tunnel-gw') }, (a) => {
    assert.match(one(a, NETNS).message, owner);
  });
  // Without container_name the container is edge-vpn-1 (edge_vpn_1 for compose v1).
  for (const target of ['edge-vpn-1', 'edge_vpn_1']) {
    await withAnalysis({ 'vpn/compose.yaml': vpn('') + mail(target) }, (a) => {
      assert.match(one(a, NETNS).message, owner, target);
    });
  }
  // `container:vpn` names no container of this project: the vpn service's container is
  // edge-vpn-1 (or tunnel-gw), so `vpn` is a container started elsewhere, whose network is unknown.
  for (const name of ['', '    container_name: tunnel-gw\n']) {
    await withAnalysis({ 'vpn/compose.yaml': vpn(name) + mail('vpn') }, (a) => {
      assert.deepEqual(a.of(NETNS), [], JSON.stringify(name));
    });
  }
});

test('compose-published-ipv4-only: a service in the namespace of a container_name contributes its mail name', async () => {
  const yaml =
    'services:\n  gw:\n    image: vpn.example/gateway\n    container_name: gateway\n    ports:\n      - "192.0.2.26:25:25"\n' +
    '  mta:\n    image: mail.example/postfix\n    hostname: mx1.acme.example\n    network_mode: container:gateway\n';
  await withAnalysis({ 'mail/compose.yaml': yaml }, (a) => {
    assert.match(one(a, PUBLISHED).message, /mx1\.acme\.example/);
  });
  await withAnalysis({ 'mail/compose.yaml': yaml.replace('container:gateway', 'container:gw') }, (a) => {
    assert.deepEqual(a.of(PUBLISHED), []);
  });
});
