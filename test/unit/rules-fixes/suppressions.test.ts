/**
 * `# infra-review: ignore RULE[, RULE]` end to end, through the engine (analyzeScenario): what
 * each format's parser records in FileSummary.suppressions, and that the engine drops a
 * finding exactly when its rule is named for the (file, line) where the finding starts.
 * The same files without the comment report the finding, so each case shows the comment
 * (not something else) silences it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Analysed } from '../../support/rule-harness';
import { withAnalysis } from './helpers';

const TAILNET = 'hardcoded-tailnet-address';

function recorded(a: Analysed, rel: string): string[] {
  const s = a.analysis.model.files.find((f) => a.rel(f.file) === rel);
  assert.ok(s, `no summary for ${rel}`);
  return s.suppressions.map((x) => `${x.rule}@${x.line}`);
}

/** Lines (0-based) of the findings of `rule` in `rel`. */
const linesOf = (a: Analysed, rule: string, rel: string) => a.of(rule, rel).map((f) => f.at.range.start.line);

const nixHost = (postfix: string) =>
  '{ ... }:\n{\n  networking.hostName = "relay-client";\n  networking.domain = "acme.example";\n' +
  '  networking.interfaces.ens3.ipv4.addresses = [ { address = "192.0.2.30"; prefixLength = 24; } ];\n' +
  `  services.postfix = {\n    enable = true;\n${postfix}  };\n}\n`;

test('Nix: a comment on the line before or at the end of the binding silences the named rule; another rule, or a comment two lines up, does not', async () => {
  const RELAY = '    settings.main.relayhost = [ "[100.101.102.103]:25" ];\n';
  const cases: [string, string, number[]][] = [
    ['no comment', RELAY, [7]],
    ['line before', `    # infra-review: ignore ${TAILNET}\n${RELAY}`, []],
    ['same line', `    settings.main.relayhost = [ "[100.101.102.103]:25" ]; # infra-review: ignore ${TAILNET}\n`, []],
    ['several ids', `    # infra-review: ignore postfix-ipv6-unused, ${TAILNET}\n${RELAY}`, []],
    ['another rule', `    # infra-review: ignore postfix-ipv6-unused\n${RELAY}`, [8]],
    ['two lines up', `    # infra-review: ignore ${TAILNET}\n\n${RELAY}`, [9]],
    ['a similar id', `    # infra-review: ignore hardcoded-tailnet\n${RELAY}`, [8]],
    ['all', `    # infra-review: ignore all\n${RELAY}`, []],
  ];
  for (const [name, postfix, want] of cases) {
    await withAnalysis({ 'hosts/client/default.nix': nixHost(postfix) }, (a) => {
      assert.deepEqual(linesOf(a, TAILNET, 'hosts/client/default.nix'), want, name);
      if (name === 'line before') assert.deepEqual(recorded(a, 'hosts/client/default.nix'), [`${TAILNET}@7`, `${TAILNET}@8`]);
      if (name === 'several ids') assert.deepEqual(recorded(a, 'hosts/client/default.nix').sort(), [`${TAILNET}@7`, `${TAILNET}@8`, 'postfix-ipv6-unused@7', 'postfix-ipv6-unused@8']);
    });
  }
});

test('Nix: the engine matches the line a finding starts on; a comment covers two lines, not the whole binding below it', async () => {
  const multi = '    settings.main.relayhost = [\n      "[100.101.102.103]:25"\n    ];\n';
  await withAnalysis({ 'hosts/client/default.nix': nixHost(multi) }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'hosts/client/default.nix'), [8], 'the finding starts at the list item, a line below the binding');
  });
  // Above the binding (line 7): covers 7 and 8, and 8 is where the finding starts.
  await withAnalysis({ 'hosts/client/default.nix': nixHost(`    # infra-review: ignore ${TAILNET}\n${multi}`) }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'hosts/client/default.nix'), [9], 'line 9 starts the finding; the comment covers 7 and 8');
  });
  // Just above the line the finding starts on: silenced.
  const inside = '    settings.main.relayhost = [\n      # infra-review: ignore hardcoded-tailnet-address\n      "[100.101.102.103]:25"\n    ];\n';
  await withAnalysis({ 'hosts/client/default.nix': nixHost(inside) }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'hosts/client/default.nix'), []);
  });
});

const MASTER = 'smtp      inet  n       -       n       -       -       smtpd\n';

test('main.cf: a comment line before a parameter covers all of its continuation lines; "#" after a value is not a comment in main.cf', async () => {
  const relay = 'relayhost =\n    [100.101.102.103]:587\n';
  await withAnalysis({ 'postfix/main.cf': `myhostname = relay.acme.example\n${relay}`, 'postfix/master.cf': MASTER }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'postfix/main.cf'), [2], 'the finding is on the continuation line');
  });
  await withAnalysis({ 'postfix/main.cf': `myhostname = relay.acme.example\n# infra-review: ignore ${TAILNET}\n${relay}`, 'postfix/master.cf': MASTER }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'postfix/main.cf'), []);
    assert.deepEqual(recorded(a, 'postfix/main.cf'), [`${TAILNET}@1`, `${TAILNET}@2`, `${TAILNET}@3`]);
  });
  await withAnalysis({ 'postfix/main.cf': `# infra-review: ignore postfix-unknown-parameter\n${relay}`, 'postfix/master.cf': MASTER }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'postfix/main.cf'), [2], 'another rule named');
  });
  // Postfix reads "# infra-review: ..." after a value as part of the value: no suppression recorded.
  const trailing = `mynetworks = 127.0.0.0/8 ::1/128 # infra-review: ignore postfix-match-list-brackets\n`;
  await withAnalysis({ 'postfix/main.cf': trailing, 'postfix/master.cf': MASTER }, (a) => {
    assert.deepEqual(recorded(a, 'postfix/main.cf'), []);
    assert.deepEqual(linesOf(a, 'postfix-match-list-brackets', 'postfix/main.cf'), [0]);
  });
});

test('master.cf: a comment before an entry covers its -o lines; the same entry without it is reported', async () => {
  const entry = (name: string) => `${name}     unix  -       -       n       -       -       smtp\n  -o relayhost=[100.64.1.2]:25\n  -o smtp_bind_address=100.64.1.3\n`;
  const master = `${MASTER}# infra-review: ignore ${TAILNET}\n${entry('relay1')}${entry('relay2')}`;
  await withAnalysis({ 'postfix/main.cf': 'myhostname = relay.acme.example\n', 'postfix/master.cf': master }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'postfix/master.cf'), [6, 7], 'only relay2: its -o relayhost and -o smtp_bind_address');
    assert.deepEqual(recorded(a, 'postfix/master.cf'), [1, 2, 3, 4].map((l) => `${TAILNET}@${l}`));
  });
  await withAnalysis({ 'postfix/main.cf': 'myhostname = relay.acme.example\n', 'postfix/master.cf': `${MASTER}# infra-review: ignore postfix-ipv6-unused, ${TAILNET}\n${entry('relay1')}` }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'postfix/master.cf'), [], 'several ids');
  });
});

test('compose: a comment on the line before or at the end of the item silences it; another rule does not', async () => {
  const yaml = (env: string, ports: string) => `services:\n  mta:\n    image: mail.example/postfix\n    environment:\n${env}    ports:\n${ports}`;
  const RELAY = '      RELAYHOST: "[100.64.1.2]:25"\n';
  const PORT = '      - "100.64.1.5:25:25"\n';
  const cases: [string, string, string, number[]][] = [
    ['no comment', RELAY, PORT, [4, 6]],
    ['line before', `      # infra-review: ignore ${TAILNET}\n${RELAY}`, PORT, [7]],
    ['same line', `      RELAYHOST: "[100.64.1.2]:25" # infra-review: ignore ${TAILNET}\n`, `      - "100.64.1.5:25:25"  # infra-review: ignore compose-published-ipv4-only, ${TAILNET}\n`, []],
    ['another rule', `      # infra-review: ignore compose-port-ipv6-brackets\n${RELAY}`, PORT, [5, 7]],
  ];
  for (const [name, env, ports, want] of cases) {
    await withAnalysis({ 'mail/compose.yaml': yaml(env, ports) }, (a) => {
      assert.deepEqual(linesOf(a, TAILNET, 'mail/compose.yaml'), want, name);
    });
  }
});

test('a trailing comment silences its own line only, not the next item (Nix and compose; main.cf has no trailing comments)', async () => {
  // Nix
  const nix = `    settings.main.relayhost = [ "[100.101.102.103]:25" ]; # infra-review: ignore ${TAILNET}\n    settings.main.smtp_bind_address = "100.64.9.9";\n`;
  await withAnalysis({ 'hosts/client/default.nix': nixHost(nix) }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'hosts/client/default.nix'), [8]);
  });
  // compose
  const yaml = `services:\n  mta:\n    image: mail.example/postfix\n    ports:\n      - "100.64.1.5:25:25" # infra-review: ignore ${TAILNET}\n      - "100.64.1.6:587:587"\n`;
  await withAnalysis({ 'mail/compose.yaml': yaml }, (a) => {
    assert.deepEqual(linesOf(a, TAILNET, 'mail/compose.yaml'), [5]);
  });
});

test('Nix strings of Postfix text: a "#" line of its own covers the next line and its continuation lines, as in main.cf', async () => {
  const extra = (body: string) => `    extraConfig = ''\n${body}    '';\n`;
  const RELAY = '      relayhost = [100.101.102.103]:25\n';
  const cases: [string, string, number[]][] = [
    ['no comment', RELAY, [8]],
    ['line before', `      # infra-review: ignore ${TAILNET}\n${RELAY}`, []],
    ['another rule', `      # infra-review: ignore postfix-ipv6-unused\n${RELAY}`, [9]],
    ['two lines up', `      # infra-review: ignore ${TAILNET}\n\n${RELAY}`, [10]],
    // The value continues on an indented line: the finding starts there, and the comment covers it.
    ['continuation', `      # infra-review: ignore ${TAILNET}\n      relayhost =\n        [100.101.102.103]:25\n`, []],
    // The parameter after the covered one is another logical line: not covered.
    ['next parameter', `      # infra-review: ignore ${TAILNET}\n      myorigin = acme.example\n${RELAY}`, [10]],
  ];
  for (const [name, body, want] of cases) {
    await withAnalysis({ 'hosts/client/default.nix': nixHost(extra(body)) }, (a) => {
      assert.deepEqual(linesOf(a, TAILNET, 'hosts/client/default.nix'), want, name);
      if (name === 'line before') assert.deepEqual(recorded(a, 'hosts/client/default.nix'), [`${TAILNET}@8`, `${TAILNET}@9`]);
    });
  }
  // Postfix reads "#" after a value as part of the value, and a string that is no line of its own is not a comment.
  for (const text of [extra(`      mydomain = acme.example # infra-review: ignore ${TAILNET}\n`), `    relayHost = "x # infra-review: ignore ${TAILNET}";\n`]) {
    await withAnalysis({ 'hosts/client/default.nix': nixHost(text) }, (a) => {
      assert.deepEqual(recorded(a, 'hosts/client/default.nix'), [], text);
    });
  }
});
