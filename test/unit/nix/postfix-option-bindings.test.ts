import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceFile } from '../../../server/src/core/source';
import type { Location } from '../../../server/src/core/text';
import { analyzeNix } from '../../../server/src/nix/index';

const ROOT = '/virtual/bindings';

function slice(files: SourceFile[], at: Location): string {
  const lines = files.find((f) => f.path === at.file)!.text.split('\n');
  const { start, end } = at.range;
  if (start.line === end.line) return lines[start.line].slice(start.character, end.character);
  return `${lines[start.line].slice(start.character)}…`;
}

test('PostfixInstance.nixOptions: one entry per binding of a services.postfix option, with the name segment a rename replaces', async () => {
  const files: SourceFile[] = [
    {
      path: `${ROOT}/configuration.nix`,
      kind: 'nix',
      text: [
        '{ config, ... }:',
        'let hostname = "mx1.example.org"; in',
        '{',
        '  imports = [ ./extra.nix ];',
        '  networking.hostName = "mx1";',
        '  services.postfix = {',
        '    enable = true;',
        '    inherit hostname;',
        '    config = { biff = false; };',
        '    config.smtpd_banner = "hi";',
        '    "masterConfig" = { };',
        '    extraConfig = "biff = yes";',
        '  };',
        '  services.postfix.sslCert = "/cert.pem";',
        '}',
        '',
      ].join('\n'),
    },
    { path: `${ROOT}/extra.nix`, kind: 'nix', text: '{ ... }:\n{\n  services.postfix.config.message_size_limit = 1;\n}\n' },
  ];
  const r = await analyzeNix(files, { root: ROOT });
  const pf = r.postfix[0];
  assert.ok(pf.nixOptions);
  const got = pf.nixOptions.map((o) => `${o.option} ${o.at.file.slice(ROOT.length + 1)}:${o.at.range.start.line + 1} ${slice(files, o.at)} | ${o.keyAt ? slice(files, o.keyAt) : '-'}`).sort();
  assert.deepEqual(got, [
    'config configuration.nix:10 config.smtpd_banner = "hi"; | -',
    'config configuration.nix:9 config = { biff = false; }; | config',
    'config extra.nix:3 services.postfix.config.message_size_limit = 1; | config',
    'enable configuration.nix:7 enable = true; | enable',
    'extraConfig configuration.nix:12 extraConfig = "biff = yes"; | extraConfig',
    'hostname configuration.nix:8 inherit hostname; | -',
    'masterConfig configuration.nix:11 "masterConfig" = { }; | -',
    'sslCert configuration.nix:14 services.postfix.sslCert = "/cert.pem"; | sslCert',
  ]);
  // The values themselves still merge as before: extraConfig wins over config for biff.
  assert.equal(pf.main.find((p) => p.name === 'biff')?.source, 'nix.extraConfig');
});
