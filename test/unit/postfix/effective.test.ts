import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtinParameterNames } from '../../../server/src/postfix/catalog';
import { effectiveVal, effectiveValue, userDefinedNames } from '../../../server/src/postfix/effective';
import { expand, referencedNames } from '../../../server/src/postfix/expand';
import { toolOrSkip } from '../../support/tools';
import { instanceOf } from './helpers';
import { postconf, settingsOf, withConfigDir } from './postconf-oracle';

const tool = toolOrSkip('postconf', 'postfix');

/** Parameters the rules read; their defaults are checked one by one against postconf -d. */
const RULE_PARAMETERS = [
  'inet_protocols',
  'inet_interfaces',
  'smtp_bind_address',
  'smtp_bind_address6',
  'smtp_address_preference',
  'smtp_bind_address_enforce',
  'smtp_balance_inet_protocols',
  'mynetworks_style',
  'myorigin',
  'mydestination',
  'relayhost',
  'compatibility_level',
];

describe('expansion', () => {
  const values: Record<string, string> = { a: 'A', empty: '', ref: '$a-x', level: '3.6' };
  const lookup = (n: string) => (n in values ? { kind: 'value' as const, value: values[n] } : { kind: 'undefined' as const });
  const cases: [string, string][] = [
    ['$a ${a} $(a) $$a', 'A A A $a'],
    ['${a?yes} ${empty?yes} ${a:no} ${empty:no}', 'yes   no'],
    ['${a?{x, y}:{z}} ${empty?{x}:{z w}}', 'x, y z w'],
    ['${{$level} <level {2} ? {old} : {new}} ${{$a} == {A} ? {eq} : {ne}}', 'new eq'],
    ['$ref $undefined. ${undefined?x}', '$a-x . '],
  ];
  for (const [input, expected] of cases) test(input, () => assert.deepEqual(expand(input, lookup), { ok: true, value: expected }));
  test('unbalanced braces are unknown, not guessed', () => assert.equal(expand('${a', lookup).ok, false));
  test('text without $ is its own value, whatever else it holds', () => {
    for (const text of ['', 'all', 'ipv4, ipv6', '{a} (b) ? : == \\ \u00e9 \ud83d\ude00', '  spaced  ']) {
      assert.deepEqual(expand(text, () => assert.fail('nothing to look up')), { ok: true, value: text });
    }
  });
});

describe('effective values', () => {
  test('a setting, with $name expansion and the settings it went through', () => {
    const instance = instanceOf('relay_nets = 192.0.2.0/24\nmynetworks = 127.0.0.0/8 $relay_nets\n');
    const e = effectiveValue(instance, 'mynetworks');
    assert.equal(e.kind, 'set');
    assert.equal(e.kind === 'set' && e.value, '127.0.0.0/8 192.0.2.0/24');
    assert.deepEqual(e.kind === 'set' && e.via.map((p) => p.name), ['relay_nets']);
    const v = effectiveVal(instance, 'mynetworks');
    assert.ok(v.known && v.certainty === 'derived');
  });
  test('a master.cf -o override wins for its service only', () => {
    const instance = instanceOf('inet_protocols = all\n', 'smtp inet n - n - - smtpd\nsmtp unix - - n - - smtp\n  -o inet_protocols=ipv4\n');
    const client = effectiveValue(instance, 'inet_protocols', { service: 'smtp', type: 'unix' });
    assert.equal(client.kind === 'set' && client.param.source, 'master.cf -o');
    assert.equal(client.kind === 'set' && client.value, 'ipv4');
    const server = effectiveValue(instance, 'inet_protocols', { service: 'smtp', type: 'inet' });
    assert.equal(server.kind === 'set' && server.value, 'all');
  });
  test('defaults, including the computed ones', () => {
    const instance = instanceOf('');
    assert.deepEqual(
      [effectiveValue(instance, 'inet_protocols'), effectiveValue(instance, 'smtp_bind_address6')].map((e) => e.kind === 'default' && e.value),
      ['all', ''],
    );
    assert.equal(effectiveValue(instance, 'myhostname').kind, 'unknown');
    assert.equal(effectiveValue(instance, 'myorigin').kind, 'unknown');
    const named = instanceOf('myhostname = mx.mail.example\n');
    assert.equal((effectiveValue(named, 'mydomain') as { value: string }).value, 'mail.example');
  });
  test('templates and cycles are unknown', () => {
    const instance = instanceOf('myhostname = {{ HOSTNAME }}\nmyorigin = $myhostname\na = $b\nb = $a\n');
    assert.match((effectiveValue(instance, 'myorigin') as { reason: string }).reason, /template/);
    assert.match((effectiveValue(instance, 'a') as { reason: string }).reason, /a → b → a/);
  });
  test('user-defined names: $references and restriction classes', () => {
    const instance = instanceOf('mynetworks = $nets ${more?x}\nsmtpd_restriction_classes = cls1, cls2\n', 'smtp unix - - n - - smtp -o smtp_helo_name=$helo\n');
    assert.deepEqual([...userDefinedNames(instance)].sort(), ['cls1', 'cls2', 'helo', 'more', 'nets']);
  });
  test('referenced names: every form, in order, the same on every call', () => {
    const value = '$a, ${b}, $(c), ${d?$e}, ${f:x} $$ $ ${} $g_1x';
    const expected = ['a', 'b', 'c', 'd', 'e', 'f', 'g_1x'];
    assert.deepEqual(referencedNames(value), expected);
    // The regex is shared between calls: nothing of one call carries over to the next.
    assert.deepEqual(referencedNames('x $h'), ['h']);
    assert.deepEqual(referencedNames(value), expected);
    assert.deepEqual(referencedNames('no references here'), []);
    assert.deepEqual(referencedNames(''), []);
  });
});

describe('effective values agree with postconf -x', { skip: tool.skip }, () => {
  test('built-in defaults of the parameters rules read', () => {
    const instance = instanceOf('');
    for (const name of RULE_PARAMETERS) {
      const theirs = withConfigDir({ main: '', master: '' }, (dir) => settingsOf(postconf(tool.path as string, dir, '-d', name).stdout));
      const e = effectiveValue(instance, name);
      if (e.kind === 'unknown') {
        assert.match(e.reason, /myhostname|computes/, name);
        continue;
      }
      assert.equal(e.kind, 'default', name);
      assert.equal(e.kind === 'default' && e.raw, theirs.get(name), name);
    }
  });
  const configs: Record<string, string> = {
    'no settings': '',
    'host name and compatibility level': 'myhostname = mx.example\ncompatibility_level = 3.6\n',
    'settings that others expand': [
      'myhostname = mail.example.test',
      'mydomain = example.test',
      'relay_nets = 192.0.2.0/24 [2001:db8::]/32',
      'mynetworks = 127.0.0.0/8 $relay_nets',
      'relayhost = [smtp.example.test]:587',
      'smtp_tls_security_level = dane',
      'inet_protocols = ipv4',
      'smtp_bind_address6 = 2001:db8::25',
      'default_destination_concurrency_limit = 5',
    ].join('\n'),
  };
  for (const [name, main] of Object.entries(configs)) {
    test(`every built-in parameter: ${name}`, () => {
      const theirs = withConfigDir({ main, master: 'stock' }, (dir) => settingsOf(postconf(tool.path as string, dir, '-x').stdout));
      const instance = instanceOf(main);
      let compared = 0;
      for (const p of builtinParameterNames()) {
        if (!theirs.has(p) || ['config_directory', 'process_id', 'process_name'].includes(p)) continue;
        const e = effectiveValue(instance, p);
        if (e.kind === 'unknown') continue; // depends on the machine (host name, interfaces)
        assert.equal(e.value.replace(/\s+/g, ' ').trim(), theirs.get(p), p);
        compared++;
      }
      assert.ok(compared > 700, `compared ${compared}`);
    });
  }
});
