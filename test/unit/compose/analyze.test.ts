import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeCompose } from '../../../server/src/compose';
import type { Val } from '../../../server/src/core/value';
import { FIXTURES } from '../../support/paths';
import { file, line1, readComposeDir, service, textAt } from './helpers';

const RELAY = join(FIXTURES, 'compose/relay-netns');
const OVERRIDE = join(FIXTURES, 'compose/override');

const value = <T>(v: Val<T> | undefined): T | null | undefined => (v === undefined ? undefined : v.known ? v.value : null);

test('relay-netns fixture: services, network modes, networks', () => {
  const files = readComposeDir(RELAY);
  const { projects, summaries } = analyzeCompose(files);
  assert.equal(projects.length, 1);
  const p = projects[0];
  assert.equal(p.name, 'relay-netnsexample', 'top-level name:, normalised as compose does (COMPOSE_PROJECT_NAME is empty)');
  assert.equal(p.envFile, join(RELAY, '.env'));
  assert.deepEqual(p.services.map((s) => s.name), ['vpn', 'relay', 'sidecar', 'hostnet']);
  assert.equal(textAt(files, service(p, 'relay').at), 'relay');

  const relay = service(p, 'relay');
  assert.deepEqual({ ...relay.networkMode, at: undefined }, { kind: 'service', target: 'vpn', raw: 'service:vpn', at: undefined });
  assert.equal(textAt(files, relay.networkMode!.at), '"service:vpn"');
  assert.deepEqual(relay.networks, [], 'network_mode replaces networks');
  assert.equal(relay.image, 'registry.example/relay:1.2', 'TAG="1.${MINOR:-2}" in .env');
  assert.deepEqual(relay.dependsOn, ['vpn']);
  assert.equal(service(p, 'sidecar').networkMode?.kind, 'container');
  assert.equal(service(p, 'sidecar').networkMode?.target, 'abc123');
  assert.deepEqual(service(p, 'sidecar').dependsOn, ['vpn'], 'map form');
  assert.equal(service(p, 'hostnet').networkMode?.kind, 'host');
  assert.deepEqual(service(p, 'vpn').networks, ['backend']);

  const vpn = service(p, 'vpn');
  assert.equal(value(vpn.hostname?.value), 'vpn.example');
  assert.equal(vpn.hostname?.value.known && vpn.hostname.value.certainty, 'derived');
  assert.equal(textAt(files, vpn.hostname!.at), '${VPN_HOSTNAME:-vpn.example}');

  const nets = Object.fromEntries(p.networks.map((n) => [n.name, n]));
  assert.deepEqual(Object.keys(nets), ['backend', 'legacy', 'off'], 'no implicit default: nobody joins it');
  assert.equal(value(nets.backend.enableIpv6), true, 'string "true"');
  assert.deepEqual(nets.backend.subnets.map((s) => value(s.subnet)), ['198.51.100.0/24', '2001:db8:1::/64']);
  assert.equal(textAt(files, nets.backend.subnets[1].at), '${SUBNET6}');
  assert.equal(nets.legacy.external, true, 'legacy external: { name }');
  assert.equal(nets.legacy.enableIpv6?.known, false, 'an external network is not ours to know');
  assert.equal(value(nets.off.enableIpv6), false, '${NO_SUCH_VAR:-false}');
  assert.equal(textAt(files, p.networksAt!), 'networks');
  assert.equal(textAt(files, nets.backend.at!), 'backend');

  const summary = summaries.find((s) => s.file === join(RELAY, 'compose.yaml'))!;
  assert.deepEqual(summary.syntaxErrors, []);
  const portLine = line1(vpn.ports[2].at) - 1;
  // A trailing comment: its own line only.
  assert.deepEqual(summary.suppressions, [{ rule: 'compose-port-ipv6-brackets', line: portLine }]);
});

test('relay-netns fixture: every port form', () => {
  const files = readComposeDir(RELAY);
  const vpn = service(analyzeCompose(files).projects[0], 'vpn');
  const ports = vpn.ports.map((p) => ({ ip: p.hostIp, host: p.hostPort, c: p.containerPort, proto: p.protocol, syntax: p.syntax, unbr: p.unbracketedIpv6?.address }));
  assert.deepEqual(ports, [
    { ip: '::1', host: '25', c: '25', proto: 'tcp', syntax: 'short', unbr: undefined },
    { ip: '127.0.0.1', host: '25', c: '25', proto: 'tcp', syntax: 'short', unbr: undefined },
    { ip: '::1', host: '587', c: '587', proto: 'tcp', syntax: 'short', unbr: '::1' },
    { ip: '2001:db8::25', host: '465', c: '465', proto: 'tcp', syntax: 'short', unbr: '2001:db8::25' },
    { ip: undefined, host: '8000-8010', c: '8000-8010', proto: 'tcp', syntax: 'short', unbr: undefined },
    { ip: undefined, host: '53', c: '53', proto: 'udp', syntax: 'short', unbr: undefined },
    { ip: undefined, host: undefined, c: '2525', proto: 'tcp', syntax: 'short', unbr: undefined },
    { ip: '203.0.113.10', host: '993', c: '993', proto: 'tcp', syntax: 'long', unbr: undefined },
  ]);
  assert.equal(textAt(files, vpn.ports[0].at), '"[::1]:25:25"', 'the item, quotes included');
  assert.equal(textAt(files, vpn.ports[2].at), '::1:587:587');
  assert.equal(vpn.ports[3].raw, '${BIND6}:465:465', 'raw keeps the text as written');
  assert.equal(vpn.ports[7].raw, '203.0.113.10:993:993');
});

test('relay-netns fixture: environment list and map forms', () => {
  const files = readComposeDir(RELAY);
  const p = analyzeCompose(files).projects[0];
  const env = (svc: string) => Object.fromEntries(service(p, svc).environment.map((e) => [e.name, e]));
  const relay = env('relay');
  assert.equal(value(relay.RELAYHOST.value), 'smtp.relay.example', 'export prefix and trailing comment in .env');
  assert.equal(textAt(files, relay.RELAYHOST.value.at!), '${RELAYHOST:?set RELAYHOST}', 'points at the compose text');
  assert.equal(relay.RELAYHOST.value.known && relay.RELAYHOST.value.via?.[0].file, join(RELAY, '.env'));
  assert.equal(textAt(files, relay.RELAYHOST.at), 'RELAYHOST=${RELAYHOST:?set RELAYHOST}');
  assert.equal(value(relay.SMTP_RELAY_HOST.value), '$literal');
  assert.equal(value(relay.MYORIGIN.value), 'mail.example', 'KEY alone reads the .env');
  assert.equal(value(relay.UNSET_ONE.value), null, 'KEY alone without .env value: unknown');
  assert.equal(value(relay.EMPTY.value), '');
  assert.equal(relay.EMPTY.value.known && relay.EMPTY.value.certainty, 'literal');

  const sidecar = env('sidecar');
  assert.equal(value(sidecar.RELAY_HOST.value), '[relay.example]:587');
  assert.equal(textAt(files, sidecar.RELAY_HOST.value.at!), '"[relay.example]:587"');
  assert.equal(value(sidecar.PORT.value), '25');
  assert.equal(value(sidecar.MYORIGIN.value), 'mail.example');
});

test('override fixture: compose.yaml + compose.override.yaml form one project; other files stand alone', () => {
  const files = readComposeDir(OVERRIDE);
  const { projects } = analyzeCompose(files);
  assert.deepEqual(projects.map((p) => [p.name, p.file]), [
    ['mailstack', join(OVERRIDE, 'compose.yaml')],
    ['mailstack', join(OVERRIDE, 'docker-compose.prod.yml')],
  ]);
  const p = projects[0];
  const mta = service(p, 'mta');
  assert.equal(mta.image, 'registry.example/mta:2', 'override wins');
  assert.equal(value(mta.hostname?.value), 'mx.example', 'kept from base');
  assert.deepEqual(mta.ports.map((x) => [x.hostIp, x.at.file.endsWith('override.yaml')]), [['0.0.0.0', false], ['::', true]]);
  const env = Object.fromEntries(mta.environment.map((e) => [e.name, value(e.value)]));
  assert.deepEqual(env, { RELAYHOST: 'relay.example', KEEP: 'base' });
  assert.deepEqual(mta.networks, ['mailnet']);
  assert.deepEqual(service(p, 'web').networks, ['default']);
  const nets = Object.fromEntries(p.networks.map((n) => [n.name, n]));
  assert.equal(value(nets.mailnet.enableIpv6), true);
  assert.equal(nets.default.implicit, true);
  assert.equal(nets.default.at, undefined);
  assert.equal(p.networksAt?.file, join(OVERRIDE, 'compose.override.yaml'));
  assert.equal(value(service(projects[1], 'mta').hostname?.value), 'mx.prod.example');
});

test('implicit default network when services list none', () => {
  const { projects } = analyzeCompose([file('/w/app/compose.yaml', 'services:\n  a:\n    image: x\n  b:\n    network_mode: none\n')]);
  const p = projects[0];
  assert.equal(p.name, 'app');
  assert.deepEqual(service(p, 'a').networks, ['default']);
  assert.deepEqual(service(p, 'b').networks, []);
  assert.deepEqual(p.networks.map((n) => [n.name, n.implicit, n.enableIpv6]), [['default', true, undefined]]);
  assert.equal(p.networksAt, undefined);
});

test('network_mode forms: bridge, none, interpolated, other', () => {
  const text = [
    'services:',
    '  a: { network_mode: bridge }',
    '  b: { network_mode: "none" }',
    '  c: { network_mode: "service:${PEER:-vpn}" }',
    '  d: { network_mode: "${MODE}" }',
    '  e: { network_mode: "ns:/proc/1/ns/net" }',
    '',
  ].join('\n');
  const p = analyzeCompose([file('/w/x/compose.yaml', text)]).projects[0];
  const modes = p.services.map((s) => [s.name, s.networkMode?.kind, s.networkMode?.target]);
  assert.deepEqual(modes, [['a', 'bridge', undefined], ['b', 'none', undefined], ['c', 'service', 'vpn'], ['d', 'other', undefined], ['e', 'other', undefined]]);
});

test('container_name: literal, interpolated, unknown, and an override replaces it', () => {
  const base = 'services:\n  a: { container_name: gw }\n  b: { container_name: "${PREFIX:-edge}-mta" }\n  c: { container_name: "${UNSET}" }\n  d: { image: x }\n';
  const override = 'services:\n  a: { container_name: gw2 }\n';
  const p = analyzeCompose([file('/w/x/compose.yaml', base), file('/w/x/compose.override.yaml', override)]).projects[0];
  assert.deepEqual(p.services.map((s) => [s.name, value(s.containerName?.value)]), [['a', 'gw2'], ['b', 'edge-mta'], ['c', null], ['d', undefined]]);
  assert.equal(p.services[0].containerName?.at.file, '/w/x/compose.override.yaml');
});

test('YAML anchors and merge keys are followed', () => {
  const text = [
    'x-net: &net',
    '  networks: [mail]',
    '  environment:',
    '    RELAYHOST: relay.example',
    'services:',
    '  a:',
    '    <<: *net',
    '    image: a',
    'networks:',
    '  mail:',
    '    enable_ipv6: true',
    '',
  ].join('\n');
  const files = [file('/w/y/compose.yaml', text)];
  const a = analyzeCompose(files).projects[0].services[0];
  assert.deepEqual(a.networks, ['mail']);
  assert.equal(value(a.environment[0].value), 'relay.example');
  assert.equal(a.environment[0].at.range.start.line, 3, 'points at the anchored text');
});

test('syntax errors are positioned and the rest still yields facts', () => {
  const text = 'services:\n  ok:\n    image: good\n    ports:\n      - "25:25"\n  broken:\n    image: [unclosed\nnetworks:\n  default:\n    enable_ipv6: true\n';
  const { projects, summaries } = analyzeCompose([file('/w/z/compose.yaml', text)]);
  const s = summaries[0];
  assert.ok(s.syntaxErrors.length >= 1);
  assert.ok(!s.syntaxErrors[0].message.includes('\n'));
  assert.ok(s.syntaxErrors.every((e) => e.at.range.start.line >= 6), JSON.stringify(s.syntaxErrors));
  const p = projects[0];
  assert.equal(service(p, 'ok').image, 'good');
  assert.equal(service(p, 'ok').ports[0].containerPort, '25');
});

test('duplicate keys are syntax errors at the key', () => {
  const text = 'services:\n  a:\n    image: x\n    image: y\n';
  const { summaries } = analyzeCompose([file('/w/d/compose.yaml', text)]);
  assert.equal(summaries[0].syntaxErrors.length, 1);
  assert.equal(summaries[0].syntaxErrors[0].at.range.start.line, 3);
});

test('a file that is not a mapping yields no project but a summary', () => {
  const { projects, summaries } = analyzeCompose([file('/w/e/compose.yaml', ''), file('/w/f/compose.yaml', '- a\n- b\n')]);
  assert.deepEqual(projects, []);
  assert.equal(summaries.length, 2);
});

test('suppressions list several rules; a comment line covers the next line, a trailing comment its own line only', () => {
  const text = 'services:\n  # infra-review: ignore compose-netns-without-ipv6, hardcoded-tailnet-address\n  a:\n    image: x  # infra-review: ignore relay-dual-stack-without-ipv6\n';
  const { summaries } = analyzeCompose([file('/w/s/compose.yaml', text)]);
  assert.deepEqual(summaries[0].suppressions, [
    { rule: 'compose-netns-without-ipv6', line: 1 },
    { rule: 'compose-netns-without-ipv6', line: 2 },
    { rule: 'hardcoded-tailnet-address', line: 1 },
    { rule: 'hardcoded-tailnet-address', line: 2 },
    { rule: 'relay-dual-stack-without-ipv6', line: 3 },
  ]);
});

test('.env summaries: bad lines and suppressions', () => {
  const { summaries } = analyzeCompose([file('/w/g/.env', 'A=1\n# infra-review: ignore hardcoded-tailnet-address\nRELAY=100.64.0.1\nnot valid\n')]);
  assert.equal(summaries[0].kind, 'env');
  assert.deepEqual(summaries[0].syntaxErrors.map((e) => e.at.range.start.line), [3]);
  assert.deepEqual(summaries[0].suppressions.map((s) => s.line), [1, 2]);
});

test('env_file entries join the environment; environment: overrides them', () => {
  const files = [
    file('/w/h/compose.yaml', 'services:\n  mta:\n    env_file: [.env, missing.env]\n    environment:\n      - OVERRIDDEN=compose\n'),
    file('/w/h/.env', 'RELAYHOST=[relay.example]:587\nOVERRIDDEN=env\nBLANK=\n'),
  ];
  const mta = analyzeCompose(files).projects[0].services[0];
  const env = Object.fromEntries(mta.environment.map((e) => [e.name, e]));
  assert.equal(value(env.RELAYHOST.value), '[relay.example]:587');
  assert.equal(env.RELAYHOST.value.at?.file, '/w/h/.env', 'an env_file value points into that file');
  assert.equal(value(env.OVERRIDDEN.value), 'compose');
  assert.equal(value(env.BLANK.value), '');
});

test('UTF-16 positions: non-ASCII before a value', () => {
  const text = 'services:\n  a:\n    # café ☕ 𝄞\n    hostname: "héllo.example" # 𝄞\n    ports: ["𝄞"]\n';
  const files = [file('/w/u/compose.yaml', text)];
  const a = analyzeCompose(files).projects[0].services[0];
  assert.equal(textAt(files, a.hostname!.at), '"héllo.example"');
});
