/** The Postfix edit builders: exact text produced, and postconf reading the result as meant. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { masterOverrideText, setMainCfParameter, setMasterCfOverride } from '../../../server/src/edits/postfix';
import { toolOrSkip } from '../../support/tools';
import { applyEdits, locatorOf } from './helpers';
import { postconf, settingsOf, withConfigDir } from './postconf-oracle';

const tool = toolOrSkip('postconf', 'postfix');

function setMain(text: string, name: string, value: string): string {
  return applyEdits(text, setMainCfParameter({ text, locate: locatorOf(text) }, name, value));
}
function setOverride(text: string, service: string, type: string, name: string, value: string): string {
  const edits = setMasterCfOverride({ text, locate: locatorOf(text, '/srv/postfix/master.cf') }, { service, type }, name, value);
  assert.ok(edits);
  return applyEdits(text, edits);
}

describe('main.cf edits', () => {
  test('replace the last definition, continuation lines included', () => {
    assert.equal(setMain('inet_protocols = all\ninet_protocols = ipv4,\n  ipv6\n# end\n', 'inet_protocols', 'ipv4'), 'inet_protocols = all\ninet_protocols = ipv4\n# end\n');
  });
  test('an empty value gets a space', () => assert.equal(setMain('relayhost =\n', 'relayhost', '[192.0.2.25]'), 'relayhost = [192.0.2.25]\n'));
  test('append with the file newline style and a final newline', () => {
    assert.equal(setMain('myhostname = mx.example\r\n', 'inet_protocols', 'ipv4'), 'myhostname = mx.example\r\ninet_protocols = ipv4\r\n');
    assert.equal(setMain('myhostname = mx.example', 'inet_protocols', 'ipv4'), 'myhostname = mx.example\ninet_protocols = ipv4\n');
    assert.equal(setMain('', 'inet_protocols', 'ipv4'), 'inet_protocols = ipv4\n');
  });
  test('embedded text: after the last line, indented and escaped', () => {
    const text = 'myhostname = mx.example\n';
    const edits = setMainCfParameter({ text, locate: locatorOf(text, '/etc/nixos/mail.nix'), embedded: true, indent: '    ', escape: (s) => s.replace(/\$\{/g, "''${") }, 'smtp_helo_name', '${myhostname}');
    assert.deepEqual(edits, [{ file: '/etc/nixos/mail.nix', range: { start: { line: 0, character: 23 }, end: { line: 0, character: 23 } }, newText: "\n    smtp_helo_name = ''${myhostname}" }]);
  });
});

describe('master.cf edits', () => {
  const stock = 'smtp      inet  n       -       y       -       -       smtpd\n#smtp     unix  -       -       y       -       -       smtp\nrelay     unix  -       -       y       -       -       smtp\n    -o syslog_name=postfix/$service_name\n';
  test('create the smtp client entry aligned like the file, with the -o indentation of the file', () => {
    assert.equal(
      setOverride(stock, 'smtp', 'unix', 'inet_protocols', 'ipv4'),
      `${stock}smtp      unix  -       -       n       -       -       smtp\n    -o inet_protocols=ipv4\n`,
    );
  });
  test('add to an existing entry, after its last line', () => {
    assert.equal(
      setOverride(stock, 'relay', 'unix', 'inet_protocols', 'ipv4'),
      stock.replace('$service_name\n', '$service_name\n    -o inet_protocols=ipv4\n'),
    );
  });
  test('replace an existing override (any form)', () => {
    const t = 'smtp unix - - n - - smtp\n  -o { inet_protocols = all }\n';
    assert.equal(setOverride(t, 'smtp', 'unix', 'inet_protocols', 'ipv4'), 'smtp unix - - n - - smtp\n  -o inet_protocols=ipv4\n');
  });
  test('options go before the first plain argument', () => {
    const t = 'scan unix - - n - - pipe flags=R argv=/bin/scan\n';
    assert.equal(setOverride(t, 'scan', 'unix', 'inet_protocols', 'ipv4'), 'scan unix - - n - - pipe -o inet_protocols=ipv4 flags=R argv=/bin/scan\n');
  });
  test('values with white space use the braced form', () => assert.equal(masterOverrideText('smtp_helo_name', 'a b'), '-o { smtp_helo_name = a b }'));
  test('no entry and no known stock entry: no edit', () => {
    assert.equal(setMasterCfOverride({ text: '', locate: locatorOf('') }, { service: 'custom', type: 'unix' }, 'x', 'y'), undefined);
  });
});

describe('postconf reads the edited files as intended', { skip: tool.skip }, () => {
  test('main.cf', () => {
    let text = 'inet_protocols = all\nmynetworks = 127.0.0.0/8\n  [::1]/128\nrelayhost =';
    text = setMain(text, 'mynetworks', '127.0.0.0/8 [2001:db8::]/32');
    text = setMain(text, 'smtp_bind_address6', '2001:db8::25');
    text = setMain(text, 'relayhost', '[192.0.2.25]:587');
    const theirs = withConfigDir({ main: text, master: '' }, (dir) => settingsOf(postconf(tool.path as string, dir, '-n').stdout));
    assert.deepEqual(Object.fromEntries(theirs), {
      inet_protocols: 'all',
      mynetworks: '127.0.0.0/8 [2001:db8::]/32',
      relayhost: '[192.0.2.25]:587',
      smtp_bind_address6: '2001:db8::25',
    });
  });
  test('master.cf', () => {
    let text = 'smtp inet n - n - - smtpd\nscan unix - - n - - pipe flags=R argv=/bin/scan\n';
    text = setOverride(text, 'smtp', 'unix', 'inet_protocols', 'ipv4');
    text = setOverride(text, 'smtp', 'unix', 'smtp_helo_name', 'mx example');
    text = setOverride(text, 'scan', 'unix', 'smtp_bind_address', '192.0.2.25');
    const out = withConfigDir({ main: '', master: text }, (dir) => postconf(tool.path as string, dir, '-P').stdout);
    assert.deepEqual(out.trim().split('\n').sort(), ['scan/unix/smtp_bind_address = 192.0.2.25', 'smtp/unix/inet_protocols = ipv4', 'smtp/unix/smtp_helo_name = mx example']);
  });
});
