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

test('nixos-removed-option: renamed options are info findings; config is renamed to settings.main, single values move there', async () => {
  const a = await scenario({
    'configuration.nix': HOST('  services.postfix = {\n    enable = true;\n    hostname = "mx1.example.org";\n    networks = [ "127.0.0.0/8" "[::1]/128" ];\n    config.smtpd_tls_security_level = "may";\n  };\n'),
  });
  const disposers: { dispose(): void }[] = [a];
  try {
    const f = a.of('nixos-removed-option');
    assert.deepEqual(f.map((x) => x.severity), ['info', 'info', 'info']);
    for (const [option, to] of [['hostname', 'settings.main.myhostname'], ['networks', 'settings.main.mynetworks'], ['config', 'settings.main']]) {
      assert.ok(f.some((x) => x.message.startsWith(`services.postfix.${option} was renamed to services.postfix.${to} in nixpkgs`)), option);
    }
    // config first: the rename needs a file without services.postfix.settings; the moves merge into it.
    let current = a;
    for (const option of ['config', 'hostname', 'networks']) {
      const finding = current.of('nixos-removed-option').find((x) => x.message.startsWith(`services.postfix.${option} `))!;
      assert.equal(finding.fixes.length, 1, `${option}: fix offered`);
      const { after } = await assertFixRoundTrip(current, finding, finding.fixes[0]);
      disposers.push(after);
      current = after;
    }
    assert.deepEqual(current.of('nixos-removed-option'), []);
    assert.match(current.text('configuration.nix'), /settings\.main\.smtpd_tls_security_level = "may";/);
    // The moved bindings leave no blank lines behind.
    assert.equal(
      current.text('configuration.nix'),
      HOST('  services.postfix = {\n    enable = true;\n    settings.main.smtpd_tls_security_level = "may";\n    settings.main.mynetworks = [ "127.0.0.0/8" "[::1]/128" ];\n    settings.main.myhostname = "mx1.example.org";\n  };\n'),
    );
    const pf = current.analysis.model.postfix[0];
    for (const name of ['myhostname', 'mynetworks', 'smtpd_tls_security_level']) assert.equal(pf.main.find((p) => p.name === name)?.source, 'nix.settings.main', name);
    assert.equal(pf.main.find((p) => p.name === 'mynetworks')?.value, '127.0.0.0/8, [::1]/128');
    assert.equal(pf.main.find((p) => p.name === 'myhostname')?.value, 'mx1.example.org');
  } finally {
    for (const d of disposers) d.dispose();
  }
});

test('nixos-removed-option: one finding per binding, at the binding; config is reported even when extraConfig overrides every key', async () => {
  const a = await scenario({
    'configuration.nix': HOST(
      '  services.postfix = {\n    enable = true;\n    config = {\n      biff = false;\n      message_size_limit = 1000;\n    };\n    extraConfig = \'\'\n      biff = yes\n      message_size_limit = 2000\n    \'\';\n  };\n',
    ),
  });
  try {
    const f = a.of('nixos-removed-option');
    assert.deepEqual(f.map((x) => `${x.at.range.start.line + 1} ${x.message.split(' was ')[0]}`).sort(), ['11 services.postfix.extraConfig', '7 services.postfix.config']);
    assert.match(f.find((x) => /\.config /.test(x.message))!.message, /renamed to services\.postfix\.settings\.main in nixpkgs \(still accepted, with a deprecation warning\)/);
    assert.match(f.find((x) => /extraConfig/.test(x.message))!.message, /removed from nixpkgs \(evaluation fails\)/);
  } finally {
    a.dispose();
  }
});

test('nixos-removed-option: removed sslCert, sslKey, relayHost, relayPort are reported at their bindings; extraMasterConf is current', async () => {
  const a = await scenario({
    'configuration.nix': HOST(
      [
        '  services.postfix = {',
        '    enable = true;',
        '    sslCert = "/var/lib/acme/mx/fullchain.pem";',
        '    sslKey = "/var/lib/acme/mx/key.pem";',
        '    relayHost = "smtp.example.net";',
        '    relayPort = 587;',
        "    extraMasterConf = ''",
        '      authclean unix n - - - 0 cleanup',
        "    '';",
        '  };',
        '',
      ].join('\n'),
    ),
  });
  try {
    const f = a.of('nixos-removed-option');
    assert.deepEqual(f.map((x) => `${x.at.range.start.line + 1} ${x.message.split(' was ')[0]}`).sort(), [
      '10 services.postfix.relayPort',
      '7 services.postfix.sslCert',
      '8 services.postfix.sslKey',
      '9 services.postfix.relayHost',
    ]);
    for (const x of f) assert.match(x.message, /was removed from nixpkgs \(evaluation fails\): write /);
    assert.match(f.find((x) => /sslCert/.test(x.message))!.message, /smtpd_tls_chain_files/);
    for (const o of ['relayHost', 'relayPort']) {
      assert.match(f.find((x) => x.message.startsWith(`services.postfix.${o} `))!.message, /write services\.postfix\.settings\.main\.relayhost = \[ "\[smtp\.example\.net\]:587" \] instead/);
    }
    assert.ok(f.every((x) => x.fixes.length === 0));
  } finally {
    a.dispose();
  }
});

test('nixos-removed-option: inherit hostname is reported at the inherit; masterConfig is renamed to settings.master', async () => {
  const a = await scenario({
    'configuration.nix':
      '{ config, pkgs, ... }:\nlet hostname = "mx1.example.org"; in\n{\n  networking.hostName = "mx1";\n  services.postfix = {\n    enable = true;\n    inherit hostname;\n    masterConfig.smtp.args = [ "-o" "inet_protocols=ipv4" ];\n  };\n}\n',
  });
  try {
    const f = a.of('nixos-removed-option');
    assert.deepEqual(f.map((x) => `${x.at.range.start.line + 1} ${x.message.split(' in nixpkgs')[0]}`).sort(), [
      '7 services.postfix.hostname was renamed to services.postfix.settings.main.myhostname',
      '8 services.postfix.masterConfig was renamed to services.postfix.settings.master',
    ]);
    const master = f.find((x) => /masterConfig/.test(x.message))!;
    assert.equal(master.fixes.length, 1);
    const { after, changed } = await assertFixRoundTrip(a, master, master.fixes[0]);
    try {
      assert.match(changed.get('configuration.nix')!, /^    settings\.master\.smtp\.args = \[ "-o" "inet_protocols=ipv4" \];$/m);
      const smtp = after.analysis.model.postfix[0].master.find((e) => e.service === 'smtp');
      assert.equal(smtp?.overrides[0].source, 'nix.settings.master');
    } finally {
      after.dispose();
    }
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
