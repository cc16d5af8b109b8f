/**
 * IncrementalEngine gives exactly the findings of analyze() on the same files, after edits of
 * every kind of file, and re-runs only the units (hosts, projects, files) an edit can affect.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceFile } from '../../../server/src/core/source';
import { analyze } from '../../../server/src/engine/engine';
import { IncrementalEngine } from '../../../server/src/engine/incremental';
import { openWorkspace } from '../../../server/src/engine/setup';
import { EXAMPLES } from '../../support/paths';

async function workspace() {
  return openWorkspace({ paths: [EXAMPLES], zones: [], dns: 'off', resolvers: [], rules: new Map() }, { progress: false });
}

function edited(files: SourceFile[], suffix: string, change: (text: string) => string): SourceFile[] {
  let hit = false;
  const out = files.map((f) => {
    if (!f.path.endsWith(suffix)) return f;
    hit = true;
    return { ...f, text: change(f.text) };
  });
  assert.ok(hit, `no file ends with ${suffix}`);
  return out;
}

test('incremental findings equal full findings after each edit; unaffected hosts are not re-run', async () => {
  const ws = await workspace();
  const engine = new IncrementalEngine();
  let files = ws.files;
  const first = await engine.analyze(files, ws.analyzeOptions, 'dns');
  assert.deepEqual(first.findings, (await analyze(files, ws.analyzeOptions)).findings);
  assert.equal(first.stats.full, true);
  assert.equal(first.stats.hostsRebuilt, first.stats.hosts, 'the first analysis builds every host');

  const again = await engine.analyze(files, ws.analyzeOptions, 'dns');
  assert.equal(again.stats.unitsRun, 0, 'nothing changed, nothing runs');
  assert.deepEqual(again.findings, first.findings);

  const steps: [string, (t: string) => string, (s: { hostsRebuilt: number; hostsRun: number; hosts: number; full: boolean }) => void][] = [
    // A module of the mail host only: the web host is neither rebuilt nor re-run.
    ['modules/postfix.nix', (t) => t.replace('smtpd_tls_security_level = "may";', 'smtpd_tls_security_level = "encrypt";'), (s) => (assert.equal(s.hostsRebuilt, 1), assert.equal(s.hostsRun, 1))],
    // Bracketing the IPv6 network clears a finding.
    ['modules/postfix.nix', (t) => t.replace('"::1/128"', '"[::1]/128"'), (s) => assert.ok(s.hostsRun <= 1)],
    // A syntax error: only that file's units and its host.
    ['hosts/web/configuration.nix', (t) => t.replace('services.nginx.enable = true;', 'services.nginx.enable = true'), (s) => assert.ok(s.hostsRun <= 1)],
    ['hosts/web/configuration.nix', (t) => t.replace('services.nginx.enable = true\n', 'services.nginx.enable = true;\n'), () => undefined],
    // A host name changes what other hosts may claim: everything runs again.
    ['hosts/web/configuration.nix', (t) => t.replace('networking.hostName = "web";', 'networking.hostName = "www";'), (s) => assert.equal(s.full, true)],
    ['legacy-relay/main.cf', (t) => t + 'smtp_bind_address6 = 2001:db8:25::99\n', () => undefined],
    ['stacks/notify/compose.yaml', (t) => t.replace('SMTP_PORT: "25"', 'SMTP_PORT: "587"'), (s) => (assert.equal(s.hostsRebuilt, 0), assert.equal(s.hostsRun, 0))],
    ['stacks/notify/.env', (t) => t.replace('SMARTHOST=smtp.relay.example', 'SMARTHOST=mail.acme.example'), () => undefined],
    ['dns/acme.example.zone', (t) => t + 'relay2 IN AAAA 2001:db8:25::27\n', () => undefined],
  ];
  for (const [suffix, change, expect] of steps) {
    files = edited(files, suffix, change);
    const inc = await engine.analyze(files, ws.analyzeOptions, suffix.endsWith('.zone') ? `dns ${suffix}` : 'dns');
    const full = await analyze(files, ws.analyzeOptions);
    assert.deepEqual(inc.findings, full.findings, `after editing ${suffix}`);
    expect(inc.stats);
  }
  await ws.close();
});

test('a changed DNS key or severity re-runs every unit', async () => {
  const ws = await workspace();
  const engine = new IncrementalEngine();
  await engine.analyze(ws.files, ws.analyzeOptions, 1);
  assert.equal((await engine.analyze(ws.files, ws.analyzeOptions, 2)).stats.full, true);
  const off = { ...ws.analyzeOptions, severity: new Map([['aaaa-not-on-host', 'off' as const]]) };
  const r = await engine.analyze(ws.files, off, 2);
  assert.equal(r.stats.full, true);
  assert.deepEqual(r.findings, (await analyze(ws.files, off)).findings);
  await ws.close();
});

test('an edit kit that cannot be built: the findings of analyze() (one internal error, no structural fixes), and the next run starts over', async () => {
  const ws = await workspace();
  const broken = { ...ws.analyzeOptions, editKit: () => Promise.reject(new Error('kit exploded')) };
  const engine = new IncrementalEngine();
  const inc = await engine.analyze(ws.files, broken, 'dns');
  assert.deepEqual(inc.findings, (await analyze(ws.files, broken)).findings);
  assert.equal(inc.findings.filter((f) => f.rule === 'internal-error').length, 1);
  const next = await engine.analyze(ws.files, ws.analyzeOptions, 'dns');
  assert.equal(next.stats.full, true);
  assert.deepEqual(next.findings, (await analyze(ws.files, ws.analyzeOptions)).findings);
  await ws.close();
});

test('an edit that leaves hosts equal as data keeps their findings, unless it moves what their fixes were built from', async () => {
  const ws = await workspace();
  const engine = new IncrementalEngine();
  const common = ws.files.find((f) => f.path.endsWith('hosts/web/configuration.nix'))!.path.replace('hosts/web/configuration.nix', 'modules/common.nix');
  let files: SourceFile[] = [...ws.files, { path: common, kind: 'nix', text: '{ ... }:\n{\n  time.timeZone = "UTC";\n}\n' }];
  await engine.analyze(files, ws.analyzeOptions, 'dns');
  const steps: [string, (t: string) => string, (s: { hostsRun: number; full: boolean }) => void][] = [
    // A module becomes imported by both hosts.
    ['hosts/mail/configuration.nix', (t) => t.replace('    ./networking.nix\n', '    ./networking.nix\n    ../../modules/common.nix\n'), (s) => assert.equal(s.hostsRun, 1)],
    ['hosts/web/configuration.nix', (t) => t.replace('{\n  networking.hostName = "web";', '{\n  imports = [ ../../modules/common.nix ];\n  networking.hostName = "web";'), (s) => assert.equal(s.hostsRun, 1)],
    // Both hosts are rebuilt from the edited module, to the same facts. The mail host's fixes
    // name the files they edit: it does not run again. The web host's fix chooses among all
    // its files (the one that configures the most of the option's path): it does.
    ['modules/common.nix', (t) => t.replace('"UTC"', '"Etc/UTC"'), (s) => assert.equal(s.hostsRun, 1)],
    // The mail host's facts stay the same, but its fixes insert after this line (trailing
    // comments stay with their binding) and after the `settings.main` block: they move.
    ['hosts/mail/networking.nix', (t) => t.replace('networking.useDHCP = false;\n', 'networking.useDHCP = false; # static addresses only\n'), (s) => assert.equal(s.hostsRun, 1)],
    ['modules/postfix.nix', (t) => t.replace('"may";\n    };', '"may";\n    }; # main.cf'), (s) => assert.equal(s.hostsRun, 1)],
    ['hosts/mail/networking.nix', (t) => t.replace(' # static addresses only\n', '\n'), (s) => assert.equal(s.hostsRun, 1)],
    // The module that sets the mail host's Postfix up becomes imported by the web host too
    // (a new finding there), then stops being imported.
    ['hosts/web/configuration.nix', (t) => t.replace('[ ../../modules/common.nix ]', '[ ../../modules/common.nix ../../modules/postfix.nix ]'), () => undefined],
    ['hosts/web/configuration.nix', (t) => t.replace(' ../../modules/postfix.nix', ''), () => undefined],
    // The module stops being imported.
    ['hosts/web/configuration.nix', (t) => t.replace('  imports = [ ../../modules/common.nix ];\n', ''), (s) => assert.equal(s.hostsRun, 1)],
    ['hosts/mail/configuration.nix', (t) => t.replace('    ../../modules/common.nix\n', ''), (s) => assert.equal(s.hostsRun, 1)],
  ];
  for (const [suffix, change, expect] of steps) {
    const before = files;
    files = edited(files, suffix, change);
    assert.notDeepEqual(files, before, `the edit of ${suffix} applies`);
    const inc = await engine.analyze(files, ws.analyzeOptions, 'dns');
    assert.deepEqual(inc.findings, (await analyze(files, ws.analyzeOptions)).findings, `after editing ${suffix}`);
    expect(inc.stats);
  }
  await ws.close();
});

test('many hosts: an edit that changes every host runs them all; one that changes none runs none; findings as analyze() gives', async () => {
  const ws = await workspace();
  const root = ws.files[0].path.slice(0, ws.files[0].path.indexOf('/examples/') + '/examples'.length);
  const common = (ports: string, port: string): SourceFile => ({ path: `${root}/fleet/common.nix`, kind: 'nix', text: `{ ... }:\n{\n  networking.firewall.allowedTCPPorts = [ ${ports} ];\n  services.prometheus.exporters.node.port = ${port};\n}\n` });
  const hosts = Array.from({ length: 40 }, (_, i): SourceFile => ({
    path: `${root}/fleet/h${i}.nix`,
    kind: 'nix',
    text: `{ ... }:\n{\n  imports = [ ./common.nix ];\n  networking.hostName = "h${i}";\n  networking.domain = "fleet.example";\n  networking.interfaces.eth0.ipv4.addresses = [ { address = "192.0.2.${i + 1}"; prefixLength = 24; } ];\n}\n`,
  }));
  const engine = new IncrementalEngine();
  const steps: [SourceFile, number][] = [
    [common('22', '9100'), 40],
    // Rebuilt to the same facts.
    [common('22', '9200'), 0],
    // Every host's open ports change (the engine stops comparing after a run of differences).
    [common('22 443', '9200'), 40],
    [common('22 443', '9100'), 0],
  ];
  for (const [module, hostsRun] of steps) {
    const files = [...ws.files, ...hosts, module];
    const inc = await engine.analyze(files, ws.analyzeOptions, 'dns');
    assert.deepEqual(inc.findings, (await analyze(files, ws.analyzeOptions)).findings, module.text);
    assert.equal(inc.stats.hosts, 43, "the examples' three hosts and these 40");
    if (!inc.stats.full) assert.equal(inc.stats.hostsRun, hostsRun, module.text);
  }
  await ws.close();
});
