/**
 * Every compose file and .env of the shared real-world corpus, read in place. The facts
 * asserted here were read off the files by hand.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { analyzeCompose } from '../../../server/src/compose';
import { classifyFile } from '../../../server/src/core/files';
import type { SourceFile } from '../../../server/src/core/source';
import type { Val } from '../../../server/src/core/value';
import type { ComposeProject } from '../../../server/src/model/types';
import { CORPUS } from '../../support/paths';
import { line1, readComposeDir, service, textAt } from './helpers';

const value = <T>(v: Val<T> | undefined): T | null | undefined => (v === undefined ? undefined : v.known ? v.value : null);

function walk(dir: string, out: SourceFile[] = []): SourceFile[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else {
      const kind = classifyFile(path);
      if (kind === 'compose' || kind === 'env') out.push({ path, kind, text: readFileSync(path, 'utf8') });
    }
  }
  return out;
}

const MAILU = join(CORPUS, 'Mailu__Mailu/docs/compose');
const MAILCOW = join(CORPUS, 'mailcow__mailcow-dockerized');
const DMS = join(CORPUS, 'docker-mailserver__docker-mailserver');
const HARDWARE = join(CORPUS, 'hardware__mailserver');

function only(dir: string, fileName?: string): { project: ComposeProject; files: SourceFile[] } {
  const files = readComposeDir(dir);
  const { projects } = analyzeCompose(files);
  const project = fileName ? projects.find((p) => p.file === join(dir, fileName)) : projects[0];
  assert.ok(project, `no project in ${dir}`);
  return { project, files };
}

test('corpus: every compose file and .env is modelled without an exception or a syntax error', () => {
  const files = walk(CORPUS);
  const rel = files.map((f) => f.path.slice(CORPUS.length + 1));
  for (const expected of [
    'Mailu__Mailu/docs/compose/.env',
    'Mailu__Mailu/docs/compose/docker-compose.yml',
    'mailcow__mailcow-dockerized/docker-compose.yml',
    'docker-mailserver__docker-mailserver/compose.yaml',
    'docker-mailserver__docker-mailserver/demo-setups/relay-compose.yaml',
    'hardware__mailserver/docker-compose.sample.yml',
  ]) assert.ok(rel.includes(expected), `corpus file not found: ${expected}`);

  const { projects, summaries } = analyzeCompose(files);
  for (const f of files) {
    const s = summaries.find((x) => x.file === f.path);
    assert.ok(s, `no summary for ${f.path}`);
    assert.deepEqual(s.syntaxErrors, [], f.path);
    if (f.kind === 'compose') assert.ok(projects.some((p) => p.file === f.path), `no project for ${f.path}`);
  }
  // Every directory analysed alone gives the same projects as the whole corpus at once.
  for (const dir of new Set(files.map((f) => dirname(f.path)))) {
    const alone = analyzeCompose(files.filter((f) => dirname(f.path) === dir)).projects;
    assert.deepEqual(alone, projects.filter((p) => dirname(p.file) === dir));
  }
});

test('corpus Mailu docs/compose: .env interpolation, unbracketed IPv6 ports, default network', () => {
  const { project: p, files } = only(MAILU);
  assert.equal(p.name, 'mailu', 'COMPOSE_PROJECT_NAME=mailu in the .env wins over the directory name');
  assert.equal(p.envFile, join(MAILU, '.env'));
  assert.deepEqual(p.services.map((s) => s.name), ['front', 'redis', 'imap', 'smtp', 'antispam', 'antivirus', 'webdav', 'admin', 'webmail', 'fetchmail']);
  assert.ok(p.services.every((s) => !s.networkMode), 'no network_mode anywhere');
  assert.ok(p.services.every((s) => s.networks.join() === 'default'));

  // `$BIND_ADDRESS4` = 127.0.0.1 and `$BIND_ADDRESS6` = ::1 in the .env.
  const front = service(p, 'front');
  assert.equal(front.image, 'mailu/nginx:master');
  assert.equal(front.ports.length, 18);
  const v4 = front.ports.slice(0, 9);
  const v6 = front.ports.slice(9);
  assert.ok(v4.every((x) => x.hostIp === '127.0.0.1' && !x.unbracketedIpv6));
  assert.deepEqual(v6.map((x) => x.containerPort), ['80', '443', '110', '143', '993', '995', '25', '465', '587']);
  assert.ok(v6.every((x) => x.hostIp === '::1' && x.unbracketedIpv6?.address === '::1'), 'after interpolation "::1:25:25": no brackets');
  const smtp6 = v6[6];
  assert.equal(line1(smtp6.at), 30);
  assert.equal(textAt(files, smtp6.at), '"$BIND_ADDRESS6:25:25"');
  assert.equal(smtp6.raw, '$BIND_ADDRESS6:25:25');

  assert.equal(service(p, 'antivirus').image, 'mailu/none:master', 'ANTIVIRUS=none');
  assert.equal(service(p, 'webmail').image, 'mailu/none:master', 'quoted "mailu/$WEBMAIL:$VERSION", WEBMAIL=none');
  assert.deepEqual(service(p, 'imap').dependsOn, ['front']);
  assert.deepEqual(service(p, 'admin').dependsOn, ['redis']);
  assert.deepEqual(service(p, 'webmail').dependsOn, ['imap']);

  assert.deepEqual(p.networks.map((n) => [n.name, n.implicit, n.external, n.enableIpv6]), [['default', false, false, undefined]]);
  const subnet = p.networks[0].subnets[0];
  assert.equal(value(subnet.subnet), '192.168.203.0/24');
  assert.equal(subnet.subnet.known && subnet.subnet.certainty, 'derived');
  assert.equal(subnet.subnet.known && subnet.subnet.via?.[0].file, join(MAILU, '.env'));
  assert.equal(textAt(files, subnet.at), '$SUBNET');
  assert.equal(line1(subnet.at), 135);

  // env_file: .env — the relay settings reach the services that read it (empty: no relay).
  const env = Object.fromEntries(service(p, 'smtp').environment.map((e) => [e.name, e]));
  assert.equal(value(env.RELAYHOST.value), '');
  assert.equal(value(env.RELAYNETS.value), '');
  assert.equal(value(env.DOMAIN.value), 'mailu.io');
  assert.equal(value(env.HOSTNAMES.value), 'mail.mailu.io,alternative.mailu.io,yetanother.mailu.io');
  assert.equal(value(env.SUBNET.value), '192.168.203.0/24');
  assert.equal(env.RELAYHOST.at.file, join(MAILU, '.env'));
  assert.equal(textAt(files, env.RELAYHOST.at), 'RELAYHOST');
  assert.deepEqual(service(p, 'redis').environment, [], 'redis has no env_file');
});

test('corpus mailcow: IPv6-enabled network from defaults, host-mode netfilter, published ports', () => {
  const { project: p, files } = only(MAILCOW);
  assert.equal(p.name, 'mailcow__mailcow-dockerized');
  assert.equal(p.envFile, undefined, 'mailcow.conf is not in the corpus');
  assert.equal(p.services.length, 18);
  const withMode = p.services.filter((s) => s.networkMode);
  assert.deepEqual(withMode.map((s) => [s.name, s.networkMode?.kind]), [['netfilter-mailcow', 'host']]);
  assert.equal(textAt(files, withMode[0].networkMode!.at), '"host"');
  assert.deepEqual(service(p, 'netfilter-mailcow').networks, []);
  assert.ok(p.services.filter((s) => !s.networkMode).every((s) => s.networks.join() === 'mailcow-network'));

  assert.deepEqual(p.networks.map((n) => n.name), ['mailcow-network'], 'no implicit default network');
  const net = p.networks[0];
  assert.equal(value(net.enableIpv6), true, '${ENABLE_IPV6:-true}');
  assert.equal(net.enableIpv6?.known && net.enableIpv6.certainty, 'derived');
  assert.deepEqual(net.subnets.map((s) => value(s.subnet)), ['172.22.1.0/24', 'fd4d:6169:6c63:6f77::/64']);
  assert.equal(textAt(files, net.subnets[1].at), '${IPV6_NETWORK:-fd4d:6169:6c63:6f77::/64}');

  const postfix = service(p, 'postfix-mailcow');
  assert.deepEqual(postfix.ports.map((x) => [x.hostIp, x.hostPort, x.containerPort]), [[undefined, '25', '25'], [undefined, '465', '465'], [undefined, '587', '587']]);
  assert.deepEqual(postfix.dependsOn, ['mysql-mailcow', 'unbound-mailcow', 'postfix-tlspol-mailcow'], 'map form with conditions');
  const env = Object.fromEntries(postfix.environment.map((e) => [e.name, e.value]));
  assert.equal(value(env.MAILCOW_HOSTNAME), null, 'no mailcow.conf: unknown, not empty');
  assert.equal(value(env.LOG_LINES), '9999');
  assert.equal(value(env.SPAMHAUS_DQS_KEY), '');

  const mysql = service(p, 'mysql-mailcow');
  assert.deepEqual(mysql.ports.map((x) => [x.hostIp, x.hostPort, x.containerPort]), [['127.0.0.1', '13306', '3306']], 'address from ${SQL_PORT:-127.0.0.1:13306}');
  const nginx = service(p, 'nginx-mailcow');
  assert.deepEqual(nginx.ports.map((x) => [x.hostIp, x.hostPort, x.containerPort]), [[undefined, '443', '443'], [undefined, '80', '80']], '${HTTPS_BIND:-} is empty: every address');
  assert.equal(value(service(p, 'rspamd-mailcow').hostname?.value), 'rspamd');
  const rspamdEnv = Object.fromEntries(service(p, 'rspamd-mailcow').environment.map((e) => [e.name, e.value]));
  assert.equal(value(rspamdEnv.IPV6_NETWORK), 'fd4d:6169:6c63:6f77::/64');
  assert.ok(p.services.every((s) => s.ports.every((x) => !x.unbracketedIpv6)));
});

test('corpus docker-mailserver compose.yaml: single service on the implicit default network', () => {
  const { project: p, files } = only(DMS);
  assert.equal(p.name, 'docker-mailserver__docker-mailserver');
  assert.deepEqual(p.services.map((s) => s.name), ['mailserver']);
  const ms = p.services[0];
  assert.equal(value(ms.hostname?.value), 'mail.example.com');
  assert.equal(ms.hostname?.value.known && ms.hostname.value.certainty, 'literal');
  assert.equal(textAt(files, ms.hostname!.at), 'mail.example.com');
  assert.deepEqual(ms.ports.map((x) => [x.hostIp, x.hostPort, x.containerPort]), ['25', '143', '465', '587', '993'].map((n) => [undefined, n, n]));
  assert.equal(textAt(files, ms.ports[0].at), '"25:25"', 'trailing comment not included');
  assert.deepEqual(ms.environment, [], 'mailserver.env is not in the corpus');
  assert.deepEqual(ms.networks, ['default']);
  assert.deepEqual(p.networks.map((n) => [n.name, n.implicit, n.enableIpv6]), [['default', true, undefined]]);
  assert.equal(p.networksAt, undefined);
});

test('corpus docker-mailserver demo-setups/relay-compose.yaml: relay host env var, its own project', () => {
  const { project: p, files } = only(join(DMS, 'demo-setups'));
  assert.equal(p.file, join(DMS, 'demo-setups/relay-compose.yaml'));
  assert.equal(p.name, 'demo-setups');
  assert.deepEqual(p.services.map((s) => [s.name, value(s.hostname?.value)]), [
    ['dms-sender', 'mail.example.test'],
    ['dms-relay', 'smtp.relay-service.test'],
    ['dms-destination', 'mail.destination.test'],
  ]);
  const relay = service(p, 'dms-sender').environment.find((e) => e.name === 'DEFAULT_RELAY_HOST')!;
  assert.equal(value(relay.value), '[smtp.relay-service.test]:465');
  assert.equal(line1(relay.at), 13);
  assert.equal(textAt(files, relay.value.at!), '[smtp.relay-service.test]:465');
  assert.equal(value(service(p, 'dms-sender').environment.find((e) => e.name === 'RELAY_USER')?.value), 'relay-user@relay-service.test');
  assert.ok(p.services.every((s) => s.ports.length === 0 && !s.networkMode && s.networks.join() === 'default'));
  assert.deepEqual(p.networks.map((n) => [n.name, n.implicit]), [['default', true]]);
});

test('corpus hardware/mailserver docker-compose.sample.yml: external network, unknown template variables', () => {
  const { project: p, files } = only(HARDWARE);
  assert.equal(p.name, 'hardware__mailserver');
  assert.deepEqual(p.services.map((s) => s.name), ['traefik', 'mailserver', 'postfixadmin', 'rainloop', 'mariadb', 'redis'], 'commented-out nsd is not a service');
  const nets = Object.fromEntries(p.networks.map((n) => [n.name, n]));
  assert.deepEqual(Object.keys(nets), ['http_network', 'mail_network']);
  assert.equal(nets.http_network.external, true);
  assert.equal(nets.http_network.enableIpv6?.known, false, 'created with `docker network create` outside the project');
  assert.equal(nets.mail_network.external, false);
  assert.equal(nets.mail_network.enableIpv6, undefined);
  assert.equal(textAt(files, p.networksAt!), 'networks');

  const ms = service(p, 'mailserver');
  assert.equal(value(ms.hostname?.value), null, '${MAILSERVER_HOSTNAME} with no .env: unknown');
  assert.equal(textAt(files, ms.hostname!.at), '${MAILSERVER_HOSTNAME}');
  assert.equal(ms.image, 'hardware/mailserver:${MAILSERVER_DOCKER_TAG}', 'written text when not evaluable');
  assert.deepEqual(ms.ports.map((x) => x.containerPort), ['25', '143', '587', '993', '4190'], 'commented-out ports are not published');
  assert.deepEqual(ms.networks, ['mail_network', 'http_network']);
  assert.deepEqual(ms.dependsOn, ['mariadb', 'redis']);
  assert.deepEqual(service(p, 'traefik').networks, ['http_network']);
  assert.deepEqual(service(p, 'traefik').ports.map((x) => x.containerPort), ['80', '443']);
  const maria = Object.fromEntries(service(p, 'mariadb').environment.map((e) => [e.name, value(e.value)]));
  assert.deepEqual(maria, { MYSQL_RANDOM_ROOT_PASSWORD: 'yes', MYSQL_DATABASE: 'postfix', MYSQL_USER: 'postfix', MYSQL_PASSWORD: null });
});

test('corpus: truncated and damaged compose files degrade to syntax errors, never exceptions', () => {
  const files = walk(CORPUS).filter((f) => f.kind === 'compose');
  for (const f of files) {
    for (let k = 1; k < 12; k++) {
      const cut = Math.floor((f.text.length * k) / 12);
      const damaged = [f.text.slice(0, cut), f.text.slice(0, cut) + ': [\n  - "x\n' + f.text.slice(cut), f.text.slice(0, cut) + '\t' + f.text.slice(cut)];
      for (const text of damaged) {
        const r = analyzeCompose([{ ...f, text }]);
        assert.equal(r.summaries.length, 1);
        for (const e of r.summaries[0].syntaxErrors) assert.ok(e.at.range.start.line <= text.split('\n').length);
      }
    }
  }
});
