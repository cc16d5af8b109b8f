/**
 * Corpus verdicts: the real CLI on each real-world repository of ../shared/corpus (read in
 * place, never copied), with DNS off and no zone files. Every expected finding below was
 * decided by reading the file against the Postfix, NixOS and Docker documentation; the
 * reasons (and the traps a naive rule falls into) are in README.md beside this file.
 *
 * The assertion is exact: the multiset of (file, rule, line) must equal the expectation,
 * no more and no fewer. Lines here are 1-based, as in an editor and in README.md; the JSON
 * output is 0-based (LSP), so the comparison subtracts one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, CORPUS } from '../support/paths';

type Severity = 'error' | 'warning' | 'info';

/** Default severities of the rules the corpus triggers (../shared/design/rules.md). */
const SEVERITY: Record<string, Severity> = {
  'nix-syntax': 'error',
  'compose-port-ipv6-brackets': 'error',
  'postfix-unknown-parameter': 'warning',
  'nixos-removed-option': 'info',
};

/** [file inside the repository directory, rule, 1-based line]. */
type Expected = readonly [string, string, number];

const ports = (lines: number[]): Expected[] => lines.map((l) => ['docs/compose/docker-compose.yml', 'compose-port-ipv6-brackets', l] as const);

const EXPECTED: Record<string, readonly Expected[]> = {
  // BIND_ADDRESS6=::1 in docs/compose/.env turns "$BIND_ADDRESS6:80:80" into "::1:80:80" (nine ports).
  // main.cf is a Jinja template: [::1]/128 is bracketed, {{ }} items are unknown.
  Mailu__Mailu: ports([24, 25, 26, 27, 28, 29, 30, 31, 32]),
  // Older template: smtpd_authorized_xclient_hosts={{ SUBNET}},{{ SUBNET6 }} is unknown, not wrong.
  'Mailu__Mailu@3acec432': [],
  'bjornfor__nixos-config': [['cfg/postfix.nix', 'nixos-removed-option', 10]], // extraConfig
  'chatmail__nixos-chatmail': [
    ['modules/default.nix', 'nixos-removed-option', 291], // sslCert (mkRemovedOptionModule)
    ['modules/default.nix', 'nixos-removed-option', 293], // sslKey (mkRemovedOptionModule)
    ['modules/default.nix', 'nixos-removed-option', 299], // config -> settings.main
    ['modules/default.nix', 'nixos-removed-option', 304], // extraConfig (mkRemovedOptionModule)
    ['modules/default.nix', 'nixos-removed-option', 378], // masterConfig -> settings.master
    // extraMasterConf (line 420) is still an option of current nixpkgs: not reported.
    ['modules/default.nix', 'postfix-unknown-parameter', 393], // -o smtpd_client_connection_limit (submission)
    ['modules/default.nix', 'postfix-unknown-parameter', 414], // -o smtpd_client_connection_limit (smtps)
  ],
  // mua_sender_restrictions is user-defined and referenced by nothing in the workspace
  // (no master.cf beside this main.cf); postconf -n warns "unused parameter" on it.
  'docker-mailserver__docker-mailserver': [['target/postfix/main.cf', 'postfix-unknown-parameter', 78]],
  'hardware__mailserver': [],
  'iredmail__iRedMail': [],
  'kryptic2000__nixos-config': [
    ['servers/emtorp.net/mx02.nix', 'nix-syntax', 21], // missing ';' after `networking.enableIPv6 = true` (nix-instantiate: 21:14)
    ['config/emtorp.net/mx_relay.nix', 'nixos-removed-option', 32], // relayDomains -> settings.main.relay_domains
    ['config/emtorp.net/mx_relay.nix', 'nixos-removed-option', 48], // config -> settings.main
  ],
  'kryptic2000__nixos-config@4ab14be8': [],
  'mailcow__mailcow-dockerized': [],
  'mailcow__mailcow-dockerized@036c51f0': [],
  'matthewdargan__repo@591f250e': [
    ['nixos/configurations/nas/default.nix', 'nixos-removed-option', 69], // config
    ['nixos/configurations/nas/default.nix', 'nixos-removed-option', 75], // relayHost
    ['nixos/configurations/nas/default.nix', 'nixos-removed-option', 76], // relayPort
  ],
  // settings.main.postmaster_alias / root_alias are NixOS option names (postmasterAlias,
  // rootAlias) written into main.cf, where Postfix does not know them.
  'pub-solar__infra': [
    ['modules/mailman/default.nix', 'postfix-unknown-parameter', 38],
    ['modules/mailman/default.nix', 'postfix-unknown-parameter', 40],
  ],
  'rissson__dotshabka': [102, 105, 112, 117, 120, 122, 132, 134, 143, 175].map(
    // inherit hostname; domain; destination; origin; relayDomains; networks; sslCert; sslKey; masterConfig; config
    (l) => ['hosts/fsn/mail-1/postfix.nix', 'nixos-removed-option', l] as const,
  ),
  'tomjaguarpaw__maralorn-config': [
    ['nixos/roles/hera/mail.nix', 'nixos-removed-option', 70], // networks
    ['nixos/roles/hera/mail.nix', 'nixos-removed-option', 78], // config
  ],
};

/** Generous sanity limit for one CLI run; not a performance assertion. */
const RUN_LIMIT_MS = 120_000;

interface Position {
  line: number;
  character: number;
}
interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  range: { start: Position; end: Position };
}

function cli(args: string[], cwd = CORPUS) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: RUN_LIMIT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.error, undefined, `infra-review ${args.join(' ')}: ${r.error?.message}`);
  assert.equal(r.signal, null, `infra-review ${args.join(' ')} was killed (${r.signal}); limit ${RUN_LIMIT_MS} ms`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `stack trace on stderr of infra-review ${args.join(' ')}:\n${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function check(target: string, extra: string[] = []) {
  const r = cli(['check', target, '--dns', 'off', '--format', 'json', '--fail-on', 'never', ...extra]);
  assert.equal(r.code, 0, `--fail-on never exits 0 (stderr: ${r.stderr})`);
  const out = JSON.parse(r.stdout) as { version: number; findings: JsonFinding[] };
  assert.equal(out.version, 1);
  return out.findings;
}

const key = (file: string, rule: string, line: number) => `${file} ${rule} ${line}`;
const expectedKeys = (dir: string) => EXPECTED[dir].map(([f, rule, line]) => key(`${dir}/${f}`, rule, line)).sort();
const actualKeys = (findings: JsonFinding[]) => findings.map((f) => key(f.file, f.rule, f.range.start.line + 1)).sort();
const countBy = (dirs: string[], severity: Severity) =>
  dirs.reduce((n, d) => n + EXPECTED[d].filter(([, rule]) => SEVERITY[rule] === severity).length, 0);

function assertWellFormed(dir: string, findings: JsonFinding[]) {
  for (const f of findings) {
    assert.notEqual(f.rule, 'internal-error', `internal-error in ${dir}: ${f.file}: ${f.message}`);
    assert.ok(f.file.startsWith(`${dir}/`), `${f.file} is relative to the corpus and inside ${dir}`);
    const abs = join(CORPUS, f.file);
    assert.ok(existsSync(abs), `${f.file} exists`);
    const lines = readFileSync(abs, 'utf8').split('\n').length;
    assert.ok(f.range.start.line >= 0 && f.range.end.line < lines, `${f.file}: range inside the file`);
    if (SEVERITY[f.rule]) assert.equal(f.severity, SEVERITY[f.rule], `${f.rule} keeps its default severity`);
  }
}

function expectedExit(dirs: string[], failOn: Severity): 0 | 1 {
  const order: Severity[] = ['error', 'warning', 'info'];
  const atOrAbove = order.slice(0, order.indexOf(failOn) + 1);
  return atOrAbove.some((s) => countBy(dirs, s) > 0) ? 1 : 0;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

describe('corpus verdicts (DNS off, no zone files)', () => {
  test('the table covers exactly the corpus repositories', () => {
    const dirs = readdirSync(CORPUS).filter((d) => statSync(join(CORPUS, d)).isDirectory()).sort();
    assert.deepEqual(Object.keys(EXPECTED).sort(), dirs);
  });

  for (const dir of Object.keys(EXPECTED).sort()) {
    describe(dir, () => {
      test('json: exactly the expected (file, rule, line) findings, nothing else', () => {
        const findings = check(dir);
        assertWellFormed(dir, findings);
        assert.deepEqual(actualKeys(findings), expectedKeys(dir));
      });

      test('text: default --fail-on error gives the exit status and summary the findings imply', () => {
        const r = cli(['check', dir, '--dns', 'off']);
        assert.equal(r.code, expectedExit([dir], 'error'), r.stdout.slice(-2000));
        const last = r.stdout.trimEnd().split('\n').pop() ?? '';
        const e = countBy([dir], 'error');
        const w = countBy([dir], 'warning');
        const i = countBy([dir], 'info');
        assert.ok(last.startsWith(`${plural(e, 'error')}, ${plural(w, 'warning')}, ${plural(i, 'info')} in `), `summary: ${last}`);
      });

      test('sarif with --fail-on warning: same number of results, exit status by severity', () => {
        const r = cli(['check', dir, '--dns', 'off', '--format', 'sarif', '--fail-on', 'warning']);
        assert.equal(r.code, expectedExit([dir], 'warning'), r.stderr);
        const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string }[] }[] };
        assert.equal(log.runs[0].results.length, EXPECTED[dir].length);
        assert.ok(log.runs[0].results.every((x) => x.ruleId !== 'internal-error'));
      });
    });
  }

  test('the whole corpus as one workspace: the union of the per-repository verdicts', () => {
    const dirs = Object.keys(EXPECTED).sort();
    const findings = check('.');
    for (const f of findings) assert.notEqual(f.rule, 'internal-error', `${f.file}: ${f.message}`);
    assert.deepEqual(actualKeys(findings), dirs.flatMap(expectedKeys).sort());
    const r = cli(['check', '.', '--dns', 'off', '--fail-on', 'info', '--quiet']);
    assert.equal(r.code, expectedExit(dirs, 'info'));
  });
});

// ---------------------------------------------------------------------------------------
// The model (`infra-review model DIR --format json`): facts the verdicts above rest on,
// read from the files. Analyzer-level details already covered by test/unit/nix/model.test.ts
// and test/unit/compose/corpus.test.ts are not repeated; these are the CLI-level facts.

interface ModelAddress {
  address: string;
  family: number;
  prefixLength: number;
  interface: string;
  file: string;
}
interface ModelPostfix {
  origin: { kind: string; mainCf?: string | null; masterCf?: string | null; file?: string };
  templated: boolean;
  main: Record<string, string | null>;
  master: { service: string; type: string; command: string }[];
}
interface ModelHost {
  name: string;
  entry: string;
  names: string[];
  addresses: ModelAddress[];
  postfix?: ModelPostfix;
}
interface Model {
  hosts: ModelHost[];
  compose: { name: string; file: string; services: { name: string; ports: { raw: string; hostIp?: string | null }[] }[] }[];
  files: { file: string; kind: string; syntaxErrors: { message: string; range: { start: Position } }[] }[];
}

function model(dir: string): Model {
  const r = cli(['model', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Model;
}
const host = (m: Model, name: string) => {
  const h = m.hosts.find((x) => x.name === name);
  assert.ok(h, `host ${name} among ${m.hosts.map((x) => x.name).join(', ')}`);
  return h;
};
const instanceFrom = (m: Model, file: string) => {
  const h = m.hosts.find((x) => x.postfix && (x.postfix.origin.mainCf === file || x.postfix.origin.masterCf === file || x.postfix.origin.file === file));
  assert.ok(h?.postfix, `a Postfix instance from ${file}`);
  return h.postfix;
};
const addrs = (h: ModelHost) => h.addresses.map((a) => `${a.interface} ${a.address}/${a.prefixLength}`).sort();

describe('corpus model facts', () => {
  test('rissson mail-1: the smtp_bind_address is the /32 on the virtual "public" interface; no IPv6 configured', () => {
    const h = host(model('rissson__dotshabka'), 'mail-1');
    assert.equal(h.entry, 'rissson__dotshabka/hosts/fsn/mail-1/configuration.nix');
    for (const n of ['mail-1.vrt.fsn.lama-corp.space', 'mail-1.lama-corp.space']) assert.ok(h.names.includes(n), n);
    assert.deepEqual(addrs(h), ['ens3 172.28.6.11/24', 'public 148.251.148.232/32']);
    assert.ok(h.addresses.every((a) => a.family === 4));
    assert.equal(h.postfix?.main.smtp_bind_address, '148.251.148.232');
    assert.ok(h.addresses.some((a) => a.address === h.postfix?.main.smtp_bind_address), 'bind address is on the host');
    assert.equal(h.postfix?.main.mynetworks, '172.28.0.0/16, 127.0.0.0/8, [::ffff:127.0.0.0]/104, [::1]/128');
  });

  test('kryptic2000 @4ab14be8: mx02 with static IPv4 and IPv6, and no Postfix in this snapshot (mx_relay.nix absent)', () => {
    const h = host(model('kryptic2000__nixos-config@4ab14be8'), 'mx02.emtorp.net');
    assert.equal(h.entry, 'kryptic2000__nixos-config@4ab14be8/servers/emtorp.net/mx02.nix');
    assert.deepEqual(addrs(h), ['ens32 2001:67c:22fc:1::134/64', 'ens32 91.228.90.134/28']);
    assert.equal(h.postfix, undefined);
  });

  test('kryptic2000 current: the one Nix syntax error is listed with its position', () => {
    const m = model('kryptic2000__nixos-config');
    assert.deepEqual(
      m.files.map((f) => `${f.file} ${f.syntaxErrors.map((e) => e.range.start.line + 1).join(',')}`),
      ['kryptic2000__nixos-config/servers/emtorp.net/mx02.nix 21'],
    );
  });

  test('pub-solar: every nixosConfigurations host; networking.hosts entries are not host addresses', () => {
    const m = model('pub-solar__infra');
    for (const n of ['nachtigall', 'metronom', 'tankstelle', 'trinkgenossin', 'delite', 'blue-shell', 'underground']) host(m, n);
    const metronom = host(m, 'metronom');
    assert.deepEqual(
      metronom.addresses.map((a) => `${a.address}/${a.prefixLength} ${a.file}`),
      ['2a01:4f8:c2c:7082::1/64 pub-solar__infra/hosts/metronom/networking.nix'],
    );
    const all = m.hosts.flatMap((h) => h.addresses.map((a) => a.address));
    for (const hostsEntry of ['fd00:fae:fae:fae:fae:210::', '10.7.6.210', '127.0.0.2', '::1']) {
      assert.ok(!all.includes(hostsEntry), `${hostsEntry} comes from networking.hosts/extraHosts, not an interface`);
    }
    const mailman = instanceFrom(m, 'pub-solar__infra/modules/mailman/default.nix');
    assert.equal(mailman.main.myhostname, null, 'list.${config.pub-solar-os.networking.domain} is unknown');
    assert.equal(mailman.main.postmaster_alias, 'admins@pub.solar');
  });

  test('chatmail: no networking.hostName anywhere, so no host claims the addresses of networking.nix', () => {
    const m = model('chatmail__nixos-chatmail');
    const all = m.hosts.flatMap((h) => h.addresses.map((a) => a.address));
    assert.deepEqual(all, []);
    const pf = instanceFrom(m, 'chatmail__nixos-chatmail/modules/default.nix');
    assert.ok(pf.master.some((s) => s.service === 'authclean' && s.command === 'cleanup'), 'extraMasterConf entry');
  });

  test('standalone main.cf instances: placeholders are unknown, literal values are read', () => {
    const dms = instanceFrom(model('docker-mailserver__docker-mailserver'), 'docker-mailserver__docker-mailserver/target/postfix/main.cf');
    assert.equal(dms.templated, false);
    assert.ok(!dms.origin.masterCf, 'no master.cf beside it in the corpus');
    assert.equal(dms.main.mynetworks, '127.0.0.0/8 [::1]/128 [fe80::]/64');
    assert.equal(dms.main.mua_sender_restrictions, 'reject_authenticated_sender_login_mismatch, $dms_smtpd_sender_restrictions');

    const ired = instanceFrom(model('iredmail__iRedMail'), 'iredmail__iRedMail/samples/postfix/main.cf');
    assert.equal(ired.templated, true, 'PH_* placeholders');
    assert.equal(ired.main.myhostname, null, 'PH_HOSTNAME is a placeholder');
    assert.equal(ired.main.mynetworks, '127.0.0.1');
    assert.equal(ired.main.inet_protocols, 'all');

    const mailu = instanceFrom(model('Mailu__Mailu'), 'Mailu__Mailu/core/postfix/conf/main.cf');
    assert.equal(mailu.templated, true, 'Jinja');
    assert.equal(mailu.main.myhostname, null);
    assert.equal(mailu.main.mynetworks, null, 'contains {{ SUBNET }}');
  });

  test('mailcow: main.cf and master.cf beside it are one instance; its services make submission_/smtps_/lmtp_ names valid', () => {
    const pf = instanceFrom(model('mailcow__mailcow-dockerized'), 'mailcow__mailcow-dockerized/data/conf/postfix/main.cf');
    assert.equal(pf.origin.masterCf, 'mailcow__mailcow-dockerized/data/conf/postfix/master.cf');
    const services = new Set(pf.master.map((s) => s.service));
    for (const s of ['submission', 'smtps', 'lmtp', '127.0.0.1:10027', 'maildrop']) assert.ok(services.has(s), s);
    assert.equal(pf.main.submission_smtpd_tls_mandatory_protocols, '>=TLSv1.2');
  });

  test('Mailu compose: the nine $BIND_ADDRESS6 ports interpolate to the host address ::1', () => {
    const m = model('Mailu__Mailu');
    const front = m.compose.flatMap((c) => c.services).find((s) => s.name === 'front');
    assert.ok(front);
    const v6 = front.ports.filter((p) => p.raw.startsWith('$BIND_ADDRESS6:'));
    assert.equal(v6.length, 9);
    assert.ok(v6.every((p) => p.hostIp === '::1'));
  });

  test('maralorn hera: host from network.nix; mail.nix is not imported by it', () => {
    const h = host(model('tomjaguarpaw__maralorn-config'), 'hera');
    assert.deepEqual(h.names, ['hera.m-0.eu']);
    assert.equal(h.postfix, undefined);
  });
});

