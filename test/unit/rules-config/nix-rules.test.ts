import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFixRoundTrip } from '../../support/rule-harness';
import { scenario } from './support';

const HOST = (body: string) => `{ config, pkgs, ... }:\n{\n  networking.hostName = "mx1";\n  networking.domain = "example.org";\n${body}}\n`;

test('nix-syntax: a missing semicolon is an error; the trailing-comma gap is never reported', async () => {
  const a = await scenario({
    'hosts/mx1/configuration.nix': '{ config, ... }:\n{\n  networking.hostName = "mx1"\n  services.postfix.enable = true;\n}\n',
    'modules/ok.nix': '{ config, lib, pkgs, }:\n{\n  services.postfix.enable = true;\n}\n',
  });
  try {
    const f = a.of('nix-syntax');
    assert.ok(f.length >= 1);
    assert.deepEqual([...new Set(f.map((x) => a.rel(x.at.file)))], ['hosts/mx1/configuration.nix']);
    assert.ok(f.every((x) => x.severity === 'error' && x.fixes.length === 0));
  } finally {
    a.dispose();
  }
});

test('postfix-match-list-brackets: settings.main list in Nix, fixed inside the string and still parsing', async () => {
  const a = await scenario({
    'configuration.nix': HOST('  services.postfix = {\n    enable = true;\n    settings.main.mynetworks = [ "127.0.0.0/8" "::1/128" ];\n    # settings.main.debug_peer_list = [ "::1" ];\n  };\n  services.rspamd.extraConfig = "secure_ip = ::1;";\n'),
  });
  try {
    const f = a.of('postfix-match-list-brackets');
    assert.equal(f.length, 1);
    const { after, changed } = await assertFixRoundTrip(a, f[0], f[0].fixes[0]);
    assert.match(changed.get('configuration.nix')!, /\[ "127\.0\.0\.0\/8" "\[::1\]\/128" \]/);
    after.dispose();
  } finally {
    a.dispose();
  }
});

test('postfix-match-list-brackets: Postfix text inside a Nix extraConfig string', async () => {
  const a = await scenario({
    'configuration.nix': HOST("  services.postfix = {\n    enable = true;\n    extraConfig = ''\n      mynetworks = 127.0.0.0/8, 2001:db8::/64\n    '';\n  };\n"),
  });
  try {
    const f = a.of('postfix-match-list-brackets');
    assert.equal(f.length, 1);
    const { after, changed } = await assertFixRoundTrip(a, f[0], f[0].fixes[0]);
    assert.match(changed.get('configuration.nix')!, /mynetworks = 127\.0\.0\.0\/8, \[2001:db8::\]\/64/);
    after.dispose();
  } finally {
    a.dispose();
  }
});

test('nixos-removed-option: legacy options are info findings; the move fix rewrites to settings.main', async () => {
  const a = await scenario({
    'configuration.nix': HOST('  services.postfix = {\n    enable = true;\n    hostname = "mx1.example.org";\n    networks = [ "127.0.0.0/8" "[::1]/128" ];\n    config.smtpd_tls_security_level = "may";\n  };\n'),
  });
  try {
    const f = a.of('nixos-removed-option');
    assert.deepEqual(f.map((x) => x.severity), ['info', 'info', 'info']);
    for (const name of ['myhostname', 'mynetworks', 'smtpd_tls_security_level']) assert.ok(f.some((x) => x.message.includes(`settings.main.${name}`)), name);
    let current = a;
    const disposers = [];
    for (const name of ['myhostname', 'mynetworks', 'smtpd_tls_security_level']) {
      const finding = current.of('nixos-removed-option').find((x) => x.message.includes(`settings.main.${name}`))!;
      assert.equal(finding.fixes.length, 1, `${name}: fix offered`);
      const { after, changed } = await assertFixRoundTrip(current, finding, finding.fixes[0]);
      assert.match(changed.get('configuration.nix')!, new RegExp(`${name}`));
      const pf = after.analysis.model.postfix[0];
      assert.equal(pf.main.find((p) => p.name === name)?.source, 'nix.settings.main', `${name} now in settings.main`);
      current = after;
      disposers.push(after);
    }
    assert.deepEqual(current.of('nixos-removed-option'), []);
    const pf = current.analysis.model.postfix[0];
    assert.equal(pf.main.find((p) => p.name === 'mynetworks')?.value, '127.0.0.0/8, [::1]/128');
    assert.equal(pf.main.find((p) => p.name === 'myhostname')?.value, 'mx1.example.org');
  } finally {
    a.dispose();
  }
});

test('nixos-removed-option: extraConfig is reported once and moved whole', async () => {
  const a = await scenario({
    'configuration.nix': HOST("  services.postfix = {\n    enable = true;\n    extraConfig = ''\n      smtp_tls_security_level = may\n      message_size_limit = 52428800\n    '';\n  };\n"),
  });
  try {
    const f = a.of('nixos-removed-option');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /extraConfig/);
    if (f[0].fixes.length) {
      const { after } = await assertFixRoundTrip(a, f[0], f[0].fixes[0]);
      const pf = after.analysis.model.postfix[0];
      assert.equal(pf.main.find((p) => p.name === 'smtp_tls_security_level')?.source, 'nix.settings.main');
      assert.equal(pf.main.find((p) => p.name === 'message_size_limit')?.value, '52428800');
      after.dispose();
    }
  } finally {
    a.dispose();
  }
});

test('nixos-removed-option: settings.main is current and not reported', async () => {
  const a = await scenario({ 'configuration.nix': HOST('  services.postfix = {\n    enable = true;\n    settings.main.myhostname = "mx1.example.org";\n  };\n') });
  try {
    assert.deepEqual(a.of('nixos-removed-option'), []);
  } finally {
    a.dispose();
  }
});
