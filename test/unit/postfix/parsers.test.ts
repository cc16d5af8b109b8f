import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKnownParameter, isMatchListParameter } from '../../../server/src/postfix/catalog';
import { analyzePostfixFiles } from '../../../server/src/postfix/instances';
import { parseMainCf } from '../../../server/src/postfix/main-cf';
import { parseMasterCf } from '../../../server/src/postfix/master-cf';
import { locatorOf, textAt } from './helpers';

describe('main.cf parser', () => {
  const text = 'mynetworks = 127.0.0.0/8,\n    [::1]/128 2001:db8::/32\r\nrelayhost = [smtp.example]:587\nrelayhost = \n';
  const parsed = parseMainCf(text, locatorOf(text));
  test('exact ranges for name, value, entry and list items', () => {
    const [mynetworks] = parsed.params;
    assert.equal(textAt(text, mynetworks.nameAt), 'mynetworks');
    assert.equal(mynetworks.value, '127.0.0.0/8, [::1]/128 2001:db8::/32');
    assert.equal(textAt(text, mynetworks.valueAt), '127.0.0.0/8,\n    [::1]/128 2001:db8::/32');
    assert.deepEqual(mynetworks.items.map((i) => [i.text, textAt(text, i.at)]), [
      ['127.0.0.0/8', '127.0.0.0/8'],
      ['[::1]/128', '[::1]/128'],
      ['2001:db8::/32', '2001:db8::/32'],
    ]);
    assert.equal(mynetworks.items[2].at.range.start.line, 1);
  });
  test('the last definition wins; duplicates stay available', () => {
    assert.deepEqual(parsed.params.map((p) => [p.name, p.value]), [['mynetworks', parsed.params[0].value], ['relayhost', '']]);
    assert.equal(parsed.duplicates.get('relayhost')?.length, 2);
  });
  test('{ } groups stay one item', () => {
    const t = 'smtpd_recipient_restrictions = check_policy_service { inet:127.0.0.1:10040, timeout=10s }, permit\n';
    assert.deepEqual(parseMainCf(t, locatorOf(t)).params[0].items.map((i) => i.text), ['check_policy_service', '{ inet:127.0.0.1:10040, timeout=10s }', 'permit']);
  });
  test('templated values are unknown and their placeholder items are never judged', () => {
    const t = 'mynetworks = 127.0.0.1/32 {{ SUBNET }} {% if SUBNET6 %}[::1]/128 {{ SUBNET6 }}{% endif %} ::1/128\nmyhostname = PH_HOSTNAME\n';
    const p = parseMainCf(t, locatorOf(t));
    assert.equal(p.templated, true);
    assert.equal(p.params[0].value, null);
    assert.match(p.params[0].unknownReason ?? '', /template/);
    assert.deepEqual(p.params[0].items.map((i) => i.text), ['127.0.0.1/32', '::1/128']);
    assert.equal(p.params[1].value, null);
  });
  test('malformed lines are problems; Jinja statements are not', () => {
    const t = '  orphan\nmyhostname = mx.example\nno equals here\n{% if X %}\n= nameless\n';
    const p = parseMainCf(t, locatorOf(t));
    assert.deepEqual(p.problems.map((x) => x.at.range.start.line), [0, 2, 4]);
    assert.equal(p.templated, true);
  });
  test('a locator maps embedded text back into its file', () => {
    const t = 'inet_protocols = all\n';
    const p = parseMainCf(t, (s, e) => ({ file: '/etc/nixos/mail.nix', range: { start: { line: 10, character: 4 + s }, end: { line: 10, character: 4 + e } } }), 'nix.extraConfig');
    assert.deepEqual(p.params[0].valueAt, { file: '/etc/nixos/mail.nix', range: { start: { line: 10, character: 21 }, end: { line: 10, character: 24 } } });
    assert.equal(p.params[0].source, 'nix.extraConfig');
  });
});

describe('master.cf parser', () => {
  test('entries, override forms and their ranges', () => {
    const t = 'smtp      unix  -       -       n       -       -       smtp\n  -o { smtp_helo_name = mx example }\n  -o inet_protocols=ipv4\n';
    const m = parseMasterCf(t, locatorOf(t, '/srv/postfix/master.cf'));
    const [e] = m.entries;
    assert.equal(e.entry.command, 'smtp');
    assert.deepEqual(e.entry.overrides.map((o) => [o.name, o.value, o.source]), [['smtp_helo_name', 'mx example', 'master.cf -o'], ['inet_protocols', 'ipv4', 'master.cf -o']]);
    assert.equal(textAt(t, e.entry.overrides[1].valueAt), 'ipv4');
    assert.equal(textAt(t, e.entry.overrides[1].entryAt), '-o inet_protocols=ipv4');
    assert.equal(textAt(t, e.entry.serviceAt), 'smtp');
  });
  test('structural problems', () => {
    const t = '  -o x=1\nmyhostname = mx.example\nsmtp inet n - n - smtpd\nsmtp tcp n - n - - smtpd\nrelay unix - - n - - smtp -o bad\n';
    const m = parseMasterCf(t, locatorOf(t, '/srv/postfix/master.cf'));
    assert.deepEqual(m.problems.map((p) => p.kind), ['orphan-continuation', 'main-cf-line', 'too-few-fields', 'bad-type', 'bad-override']);
  });
  test('fields split at the same white space with and without a { } group on the line', () => {
    // A line without `{` or placeholders takes the tokenizer's fast path; a trailing group
    // sends the same fields through the general one.
    for (const sep of [' ', '\t', '\v', '\f', '\u00a0', '\u2028', '\u3000', '\ufeff', ' \t ']) {
      const fields = ['relay', 'unix', '-', '-', 'n', '-', '-', 'smtp', '-o', 'a=b\u0085c'];
      const plain = `${fields.join(sep)}\n`;
      const grouped = `${fields.join(sep)}${sep}-o${sep}{ x = y }\n`;
      const read = (t: string) => {
        const [e] = parseMasterCf(t, locatorOf(t)).entries;
        return { fields: e.fieldStarts.map((s) => t.slice(s, s + 1)), args: e.entry.args.slice(0, 2), first: e.entry.overrides[0] };
      };
      const a = read(plain);
      const b = read(grouped);
      assert.deepEqual(a.fields, fields.slice(0, 8).map((f) => f[0]), JSON.stringify(sep));
      assert.deepEqual(a.args, ['-o', 'a=b\u0085c']);
      assert.deepEqual([a.fields, a.args, a.first], [b.fields, b.args, b.first], JSON.stringify(sep));
    }
  });
});

describe('catalog', () => {
  test('known parameters, service families and user-defined names', () => {
    assert.ok(isKnownParameter('smtp_bind_address6'));
    assert.ok(isKnownParameter('postscreen_blacklist_action'), 'legacy name still read by a default');
    assert.ok(isKnownParameter('relay_destination_concurrency_limit'));
    assert.ok(!isKnownParameter('relay_bind_address'));
    assert.ok(isKnownParameter('mailman_time_limit', [{ service: 'mailman', command: 'pipe' }]));
    assert.ok(!isKnownParameter('my_nets'));
    assert.ok(isKnownParameter('my_nets', undefined, new Set(['my_nets'])));
  });
  test('match lists', () => {
    for (const n of ['mynetworks', 'debug_peer_list', 'smtpd_client_restrictions', 'postscreen_access_list']) assert.ok(isMatchListParameter(n), n);
    for (const n of ['inet_interfaces', 'smtp_bind_address6', 'smtpd_relay_before_recipient_restrictions']) assert.ok(!isMatchListParameter(n), n);
    assert.ok(isMatchListParameter('from_relays', ['from_relays']));
  });
});

describe('standalone instances', () => {
  const files = [
    { path: '/srv/a/main.cf', kind: 'postfix-main' as const, text: '# infra-review: ignore postfix-match-list-brackets\nmynetworks = 127.0.0.0/8\n  ::1/128\nmyhostname = mx.example\n' },
    { path: '/srv/a/master.cf', kind: 'postfix-master' as const, text: 'smtp unix - - n - - smtp\n# infra-review: ignore postfix-ipv6-unauthenticated-source, postfix-bind-address-not-on-host\nrelay unix - - n - - smtp\n  -o smtp_bind_address6=2001:db8::25\n' },
    { path: '/srv/a/postscreen_access.cidr', kind: 'postfix-table' as const, text: '2001:db8::/32 permit\n' },
    { path: '/srv/b/master.cf', kind: 'postfix-master' as const, text: 'smtp inet n - n - - smtpd\n' },
  ];
  const { instances, summaries } = analyzePostfixFiles(files);
  test('main.cf pairs with the master.cf beside it; a lone master.cf is an instance too', () => {
    assert.deepEqual(instances.map((i) => [i.id, i.origin]), [
      ['/srv/a', { kind: 'files', mainCf: '/srv/a/main.cf', masterCf: '/srv/a/master.cf' }],
      ['/srv/b', { kind: 'files', masterCf: '/srv/b/master.cf' }],
    ]);
    assert.equal(instances[0].definedAt.range.start.line, 1);
  });
  test('cidr tables are recognised, never parsed as main.cf', () => {
    const table = summaries.find((s) => s.file.endsWith('.cidr'));
    assert.deepEqual(table && [table.kind, table.syntaxErrors.length], ['postfix-table', 0]);
  });
  test('suppressions cover the next line and the whole entry', () => {
    const main = summaries.find((s) => s.file === '/srv/a/main.cf');
    assert.deepEqual(main?.suppressions.map((s) => s.line), [0, 1, 2]);
    const master = summaries.find((s) => s.file === '/srv/a/master.cf');
    assert.deepEqual(
      master?.suppressions.map((s) => `${s.rule}@${s.line}`),
      ['postfix-ipv6-unauthenticated-source@1', 'postfix-ipv6-unauthenticated-source@2', 'postfix-ipv6-unauthenticated-source@3', 'postfix-bind-address-not-on-host@1', 'postfix-bind-address-not-on-host@2', 'postfix-bind-address-not-on-host@3'],
    );
  });
});
