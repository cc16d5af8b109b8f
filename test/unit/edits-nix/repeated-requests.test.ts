import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { nixEditBuilder } from '../../../server/src/edits/nix';
import { createNixParser } from '../../../server/src/nix/grammar';
import { sourceFile } from './nix-oracle';

const MODULE = '{\n  services.postfix.enable = true;\n  services.postfix.settings.main.myhostname = "mail.acme.example";\n}\n';

/** A builder over a parser that counts its parses (the edit builder parses a file it has no tree for). */
async function countingBuilder(): Promise<{ builder: ReturnType<typeof nixEditBuilder>; parses: () => number }> {
  const parser = await createNixParser();
  let count = 0;
  const parse = parser.parse.bind(parser);
  (parser as { parse: Parser['parse'] }).parse = ((...args: Parameters<Parser['parse']>) => {
    count++;
    return parse(...args);
  }) as Parser['parse'];
  return { builder: nixEditBuilder(parser), parses: () => count };
}

/** Lets the builder free the tree it keeps until the current synchronous run ends. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('the Nix edit builder answers a repeated request of a file once', () => {
  it('the same request of the same file: equal edits, each caller its own array, one parse', async () => {
    const { builder, parses } = await countingBuilder();
    const file = sourceFile(MODULE);
    const first = builder.setPostfixMainNix(file, 'inet_protocols', 'ipv4');
    await nextTurn();
    const second = builder.setPostfixMainNix(file, 'inet_protocols', 'ipv4');
    assert.ok(first && second);
    assert.deepEqual(second, first);
    assert.notEqual(second, first);
    assert.equal(parses(), 1);
    first.length = 0;
    assert.deepEqual(builder.setPostfixMainNix(file, 'inet_protocols', 'ipv4'), second);
  });

  it('another value, another kind of request or another file object is built anew', async () => {
    const { builder, parses } = await countingBuilder();
    const file = sourceFile(MODULE);
    const ipv4 = builder.setPostfixMainNix(file, 'inet_protocols', 'ipv4');
    await nextTurn();
    const all = builder.setPostfixMainNix(file, 'inet_protocols', 'all');
    assert.notDeepEqual(all, ipv4);
    assert.match(all![0].newText, /"all"/);
    await nextTurn();
    const attr = builder.setNixAttr(file, ['services', 'postfix', 'settings', 'main', 'inet_protocols'], '"ipv4"');
    assert.ok(attr);
    await nextTurn();
    // An edited file is a new object with the same path: its edits come from its own text.
    const edited = sourceFile(MODULE.replace('  services.postfix.enable = true;\n', ''));
    const again = builder.setPostfixMainNix(edited, 'inet_protocols', 'ipv4');
    assert.ok(again);
    assert.notDeepEqual(again, ipv4);
    assert.equal(parses(), 4);
  });

  it('a request no safe edit answers stays unanswered', async () => {
    const { builder, parses } = await countingBuilder();
    const file = sourceFile('let x = 1; in x\n');
    assert.equal(builder.setNixAttr(file, ['networking', 'hostName'], '"mail"'), undefined);
    await nextTurn();
    assert.equal(builder.setNixAttr(file, ['networking', 'hostName'], '"mail"'), undefined);
    assert.equal(parses(), 1);
  });
});
