import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeScenario } from '../../support/rule-harness';

test('compose-syntax: a YAML error is reported where it is, the rest of the workspace is still analysed', async () => {
  const a = await analyzeScenario({
    files: {
      'stack/compose.yaml': 'services:\n  smtp:\n    image: "boky/postfix\n    ports:\n      - "25:25"\n',
      'relay/main.cf': 'mynetworks = 127.0.0.0/8 ::1/128\n',
    },
  });
  try {
    const [f] = a.of('compose-syntax');
    assert.ok(f, 'compose-syntax reported');
    assert.equal(a.rel(f.at.file), 'stack/compose.yaml');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^compose syntax error: /);
    assert.equal(a.of('postfix-match-list-brackets').length, 1, 'other files still reviewed');
  } finally {
    a.dispose();
  }
});

test('compose-syntax: a .env line that is not KEY=value', async () => {
  const a = await analyzeScenario({ files: { 'stack/compose.yaml': 'services:\n  app:\n    image: x\n', 'stack/.env': 'GOOD=1\nthis is not an assignment\n' } });
  try {
    const found = a.of('compose-syntax');
    assert.deepEqual(found.map((f) => [a.rel(f.at.file), f.at.range.start.line]), [['stack/.env', 1]]);
  } finally {
    a.dispose();
  }
});

test('dns-zone-syntax: an unreadable record is reported on its line; the zone still answers for the rest', async () => {
  const zone = [
    '$ORIGIN example.test.',
    '$TTL 300',
    '@    IN SOA ns.example.test. hostmaster.example.test. 1 7200 900 1209600 300',
    'mail IN AAAA 2001:db8::25::1',
    'relay IN A 192.0.2.10',
    'relay IN AAAA 2001:db8::10',
    '',
  ].join('\n');
  const a = await analyzeScenario({
    files: {
      'dns/example.test.zone': zone,
      // aaaa-not-on-host needs relay.example.test's AAAA, after the bad line: proof the zone still answers.
      'hosts/relay/configuration.nix':
        '{ ... }:\n{\n  networking.hostName = "relay";\n  networking.domain = "example.test";\n  networking.interfaces.ens3.ipv4.addresses = [ { address = "192.0.2.10"; prefixLength = 24; } ];\n}\n',
    },
  });
  try {
    const found = a.of('dns-zone-syntax');
    assert.deepEqual(found.map((f) => [a.rel(f.at.file), f.at.range.start.line]), [['dns/example.test.zone', 3]]);
    assert.match(found[0].message, /^zone file error: /);
    assert.equal(a.of('aaaa-not-on-host').length, 1, 'records after the bad line are still served');
  } finally {
    a.dispose();
  }
});

test('a clean compose file, .env and zone give no syntax finding', async () => {
  const a = await analyzeScenario({
    files: {
      'stack/compose.yaml': 'services:\n  app:\n    image: x\n',
      'stack/.env': '# comment\nA=1\nexport B="two"\n',
      'dns/example.test.zone': '$ORIGIN example.test.\n@ 300 IN SOA ns hostmaster 1 2 3 4 5\nmail 300 IN A 192.0.2.25\n',
    },
  });
  try {
    assert.deepEqual(a.findings.filter((f) => /syntax/.test(f.rule)).map((f) => f.message), []);
  } finally {
    a.dispose();
  }
});
