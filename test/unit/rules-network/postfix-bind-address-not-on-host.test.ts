import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, assertFixRoundTrip, edit, fixture, only, assertSilent } from './helpers';

const RULE = 'postfix-bind-address-not-on-host';
const HOST = 'hosts/mail/default.nix';
const PF = 'hosts/mail/postfix.nix';
const V6 = 'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\n    ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ];';

function host(bind: string): Record<string, string> {
  const withV6 = edit(fixture('nixos'), HOST, 'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];', V6);
  return edit(withV6, PF, 'mydomain = "acme.example";', `mydomain = "acme.example";\n      ${bind}`);
}

test('smtp_bind_address6 outside every prefix of the host: error at the value, fix uses the configured address', async () => {
  const a = await analyse(host('smtp_bind_address6 = "2001:db8:99::25";'));
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'error');
    assert.equal(a.rel(f.at.file), PF);
    assert.equal(a.text(PF).split('\n')[f.at.range.start.line].slice(f.at.range.start.character, f.at.range.end.character), '2001:db8:99::25');
    assert.match(f.message, /^smtp_bind_address6 = 2001:db8:99::25 is not an address of host mail \(it has 2001:db8:25::25\), and nothing on the host could assign it: Postfix logs a bind warning/);
    assert.deepEqual(f.fixes.map((x) => x.title), ['Use 2001:db8:25::25 (configured on ens3)']);
    const { after } = await assertFixRoundTrip(a, f, f.fixes[0]);
    assert.deepEqual(after.of(RULE), []);
  } finally {
    a.dispose();
  }
});

test('smtp_bind_address (IPv4) not on a host without DHCP; a static-looking IPv6 in the prefix on a SLAAC host', async () => {
  const a = await analyse(host('smtp_bind_address = "198.51.100.7";'));
  try {
    assert.match(only(a, RULE).message, /^smtp_bind_address = 198\.51\.100\.7 is not an address of host mail \(it has 192\.0\.2\.25\)/);
  } finally {
    a.dispose();
  }
  const b = await analyse(host('smtp_bind_address6 = "2001:db8:25::26";'));
  try {
    assert.equal(only(b, RULE).severity, 'error', 'SLAAC cannot produce ::26');
  } finally {
    b.dispose();
  }
});

test('negatives: configured (bracketed) address, SLAAC-form address in the prefix, DHCP host without static address, template, unknown', async () => {
  const dhcpHost = edit(fixture('nixos'), HOST, 'networking.useDHCP = false;', 'networking.useDHCP = true;');
  const cases: Record<string, Record<string, string>> = {
    bracketed: host('smtp_bind_address6 = "[2001:db8:25::25]";'),
    'SLAAC form in prefix': host('smtp_bind_address6 = "2001:db8:25:0:5054:ff:fe12:3456";'),
    'DHCP, no static IPv6': edit(edit(dhcpHost, HOST, 'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];', ''), PF, 'mydomain = "acme.example";', 'mydomain = "acme.example";\n      smtp_bind_address = "198.51.100.7";'),
    template: host('smtp_bind_address6 = "{{ BIND6 }}";'),
    'unknown value': host('smtp_bind_address6 = config.my.bind6;'),
  };
  await assertSilent(RULE, cases);
});

test('standalone Postfix (addresses only known from DNS): silent', async () => {
  const a = await analyse(edit(fixture('standalone'), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = all\nsmtp_bind_address6 = 2001:db8:99::25'));
  try {
    assert.deepEqual(a.of(RULE), []);
  } finally {
    a.dispose();
  }
});

test('-o override in master.cf of a Postfix instance inside a NixOS host is checked and its value replaced', async () => {
  const files = edit(
    edit(fixture('nixos'), HOST, 'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];', V6),
    PF,
    'settings.main = {',
    'settings.master.smtp.args = [ "-o" "smtp_bind_address6=2001:db8:99::25" ];\n    settings.main = {',
  );
  const a = await analyse(files);
  try {
    const f = a.of(RULE);
    assert.equal(f.length, 1, JSON.stringify(a.findings.map((x) => x.message)));
    assert.match(f[0].message, /\(-o on the smtp service\)/);
    const { after } = await assertFixRoundTrip(a, f[0], f[0].fixes[0]);
    assert.deepEqual(after.of(RULE), []);
  } finally {
    a.dispose();
  }
});

