import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedRegion, editAndProve, fixture, nixEdits } from './fixture';
import { nixEvalPath, nixTool, sourceFile } from './nix-oracle';

const MAIN = ['services', 'postfix', 'settings', 'main'];
const MASTER = ['services', 'postfix', 'settings', 'master'];
const CONFIG = ['services', 'postfix', 'config'];
const EXTRA = ['services', 'postfix', 'extraConfig'];
const EXTRA_MASTER = ['services', 'postfix', 'extraMasterConf'];

describe('setPostfixMainNix', () => {
  it('adds to settings.main when the module uses it', async () => {
    const r = await editAndProve(fixture('postfix-settings.nix'), (b, f) => b.setPostfixMainNix(f, 'inet_protocols', 'ipv4'), [...MAIN, 'inet_protocols'], 'ipv4');
    assert.equal(changedRegion(r), '      smtpd_tls_security_level = "may";\n      inet_protocols = "ipv4";');
  });

  it('replaces a value already there', async () => {
    await editAndProve(fixture('postfix-settings.nix'), (b, f) => b.setPostfixMainNix(f, 'myhostname', 'mx.example.test'), [...MAIN, 'myhostname'], 'mx.example.test');
  });

  it('quotes the value as a Nix string: `"`, `\\` and `${` survive', async () => {
    const value = 'btree:${data_directory}/"x"\\y $myhostname';
    await editAndProve(fixture('postfix-settings.nix'), (b, f) => b.setPostfixMainNix(f, 'smtp_tls_session_cache_database', value), [...MAIN, 'smtp_tls_session_cache_database'], value);
  });

  it('writes a list where current nixpkgs types the parameter as a list', async () => {
    await editAndProve(fixture('mkif-full-form.nix'), (b, f) => b.setPostfixMainNix(f, 'mynetworks', '127.0.0.0/8, [::1]/128 [2001:db8::]/64'), [...MAIN, 'mynetworks'], [
      '127.0.0.0/8',
      '[::1]/128',
      '[2001:db8::]/64',
    ]);
  });

  it('a module that only enables Postfix gets settings.main', async () => {
    const r = await editAndProve(fixture('postfix-enable-only.nix'), (b, f) => b.setPostfixMainNix(f, 'smtp_bind_address6', '2001:db8::25'), [...MAIN, 'smtp_bind_address6'], '2001:db8::25');
    assert.equal(changedRegion(r), '  services.postfix.enable = true;\n  services.postfix.settings.main.smtp_bind_address6 = "2001:db8::25";');
  });

  it('a module using the legacy options gets `config`', async () => {
    const r = await editAndProve(fixture('postfix-legacy-config.nix'), (b, f) => b.setPostfixMainNix(f, 'inet_protocols', 'ipv4'), [...CONFIG, 'inet_protocols'], 'ipv4');
    assert.equal(changedRegion(r), '      biff = false;\n      inet_protocols = "ipv4";');
    assert.doesNotMatch(r.after, /settings/);
  });

  it('a parameter set through a legacy alias option is changed there', async () => {
    await editAndProve(fixture('postfix-legacy-config.nix'), (b, f) => b.setPostfixMainNix(f, 'myhostname', 'mx.example.test'), ['services', 'postfix', 'hostname'], 'mx.example.test');
    await editAndProve(fixture('postfix-legacy-config.nix'), (b, f) => b.setPostfixMainNix(f, 'mynetworks', '127.0.0.0/8 [::1]/128 [2001:db8::]/64'), ['services', 'postfix', 'networks'], [
      '127.0.0.0/8',
      '[::1]/128',
      '[2001:db8::]/64',
    ]);
  });

  describe('in extraConfig text', () => {
    const lines = (text: string): string[] => (nixTool.skip ? [] : String(nixEvalPath(text, EXTRA)).split('\n'));

    it('replaces the line that sets the parameter', async () => {
      const r = await editAndProve(fixture('postfix-extra-config.nix'), (b, f) => b.setPostfixMainNix(f, 'inet_protocols', 'ipv4'));
      assert.equal(changedRegion(r), '      inet_protocols = ipv4');
      if (!nixTool.skip) assert.deepEqual(lines(r.after), lines(r.before).map((l) => (l === 'inet_protocols = all' ? 'inet_protocols = ipv4' : l)));
    });

    it('replaces a parameter with its continuation lines', async () => {
      const r = await editAndProve(fixture('postfix-extra-config.nix'), (b, f) => b.setPostfixMainNix(f, 'mynetworks', '127.0.0.0/8 [::1]/128 [2001:db8::]/64'));
      if (!nixTool.skip) assert.ok(lines(r.after).includes('mynetworks = 127.0.0.0/8 [::1]/128 [2001:db8::]/64'));
      assert.doesNotMatch(r.after, /^\s+\[::1\]\/128$/m);
    });

    it('adds a line in the string’s indentation, escaping `${`', async () => {
      const r = await editAndProve(fixture('postfix-extra-config.nix'), (b, f) => b.setPostfixMainNix(f, 'smtp_tls_CApath', '${config_directory}/certs'));
      assert.equal(changedRegion(r), "        [::1]/128\n      smtp_tls_CApath = ''${config_directory}/certs");
      if (!nixTool.skip) assert.ok(lines(r.after).includes('smtp_tls_CApath = ${config_directory}/certs'));
    });

    it('a "…" string with \\n escapes gets a \\n-separated line', async () => {
      const r = await editAndProve(fixture('postfix-extra-config-quoted.nix'), (b, f) => b.setPostfixMainNix(f, 'inet_protocols', 'ipv4'), EXTRA, 'smtpd_banner = $myhostname ESMTP\nbiff = no\ninet_protocols = ipv4\n');
      assert.match(r.after, /biff = no\\ninet_protocols = ipv4\\n"/);
    });
  });

  it('refuses a module whose Postfix settings are not literal', async () => {
    const b = await nixEdits();
    assert.equal(b.setPostfixMainNix(sourceFile(fixture('blocked.nix')), 'inet_protocols', 'ipv4'), undefined);
    const opaque = '{ config, ... }:\n{\n  services.postfix.extraConfig = builtins.readFile ./main.cf;\n}\n';
    assert.equal(b.setPostfixMainNix(sourceFile(opaque), 'inet_protocols', 'ipv4'), undefined);
  });
});

describe('setMasterOverrideNix', () => {
  it('a module without master settings gets settings.master.<service>.args (the NixOS module defines the entry)', async () => {
    const r = await editAndProve(fixture('postfix-enable-only.nix'), (b, f) => b.setMasterOverrideNix(f, 'smtp', 'inet_protocols', 'ipv4'), [...MASTER, 'smtp', 'args'], ['-o', 'inet_protocols=ipv4']);
    assert.match(changedRegion(r), /\n {2}services\.postfix\.settings\.master\.smtp\.args = \[ "-o" "inet_protocols=ipv4" \];$/);
  });

  it('appends to existing args', async () => {
    await editAndProve(fixture('mkmerge.nix'), (b, f) => b.setMasterOverrideNix(f, 'smtp', 'inet_protocols', 'ipv4'), [...MASTER, 'smtp', 'args'], [
      '-o',
      'smtp_helo_timeout=5',
      '-o',
      'inet_protocols=ipv4',
    ]);
  });

  it('replaces the value of an existing -o of the same parameter', async () => {
    const r = await editAndProve(fixture('mkmerge.nix'), (b, f) => b.setMasterOverrideNix(f, 'smtp', 'smtp_helo_timeout', '10'), [...MASTER, 'smtp', 'args'], ['-o', 'smtp_helo_timeout=10']);
    assert.equal(r.edits.length, 1);
  });

  it('a legacy module gets masterConfig', async () => {
    const r = await editAndProve(fixture('postfix-legacy-config.nix'), (b, f) => b.setMasterOverrideNix(f, 'smtp', 'inet_protocols', 'ipv4'), ['services', 'postfix', 'masterConfig', 'smtp', 'args'], ['-o', 'inet_protocols=ipv4']);
    assert.doesNotMatch(r.after, /settings/);
    await editAndProve(fixture('postfix-legacy-config.nix'), (b, f) => b.setMasterOverrideNix(f, 'relay', 'smtp_bind_address', '192.0.2.26'), ['services', 'postfix', 'masterConfig', 'relay', 'args'], ['-o', 'smtp_bind_address=192.0.2.26']);
  });

  it('a full-form legacy module gets masterConfig under `config = lib.mkIf …`', async () => {
    const text = [
      '{ config, lib, ... }:',
      '{',
      '  options.relay.enable = lib.mkOption { };',
      '  config = lib.mkIf config.relay.enable {',
      '    services.postfix = {',
      '      enable = true;',
      '      config.biff = false;',
      '    };',
      '  };',
      '}',
      '',
    ].join('\n');
    const r = await editAndProve(text, (b, f) => b.setMasterOverrideNix(f, 'smtp', 'inet_protocols', 'ipv4'), ['services', 'postfix', 'masterConfig', 'smtp', 'args'], ['-o', 'inet_protocols=ipv4']);
    assert.equal(changedRegion(r), '      config.biff = false;\n      masterConfig.smtp.args = [ "-o" "inet_protocols=ipv4" ];');
  });

  describe('in extraMasterConf text, when the entry is written there', () => {
    it('adds a continuation line to the entry', async () => {
      const r = await editAndProve(fixture('postfix-extra-config.nix'), (b, f) => b.setMasterOverrideNix(f, 'smtp/unix', 'inet_protocols', 'ipv4'));
      assert.equal(changedRegion(r), '        -o smtp_helo_timeout=5\n        -o inet_protocols=ipv4');
      if (!nixTool.skip) assert.match(String(nixEvalPath(r.after, EXTRA_MASTER)), /smtp\n {2}-o smtp_helo_timeout=5\n {2}-o inet_protocols=ipv4\npolicy/);
    });

    it('replaces the value of an existing -o', async () => {
      const r = await editAndProve(fixture('postfix-extra-config.nix'), (b, f) => b.setMasterOverrideNix(f, 'smtp', 'smtp_helo_timeout', '10'));
      assert.equal(changedRegion(r), '        -o smtp_helo_timeout=10');
    });

    it('a service not written there goes to the structured option', async () => {
      const r = await editAndProve(fixture('postfix-extra-config.nix'), (b, f) => b.setMasterOverrideNix(f, 'relay', 'inet_protocols', 'ipv4'), ['services', 'postfix', 'masterConfig', 'relay', 'args'], ['-o', 'inet_protocols=ipv4']);
      assert.match(r.after, /masterConfig\.relay\.args/);
    });
  });
});
