/**
 * The builder on real NixOS configurations (read in place from the shared corpus, never
 * copied): every file that configures interfaces, systemd-networkd or Postfix gets the
 * edits the IPv6 rules offer, and each result must still parse with tree-sitter and Nix.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { FileEdit } from '../../../server/src/core/finding';
import { definedPaths } from '../../../server/src/edits/nix/locate-binding';
import { withNixDoc } from '../../../server/src/edits/nix/nix-document';
import { createNixParser } from '../../../server/src/nix/grammar';
import { CORPUS } from '../../support/paths';
import { nixEdits } from './fixture';
import { applyAndCheck, sourceFile } from './nix-oracle';

function nixFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return nixFiles(path);
    return name.endsWith('.nix') ? [path] : [];
  });
}

const RELEVANT = /networking\.interfaces|interfaces\s*=|systemd\.network|services\.postfix|postfix\s*=/;
const files = existsSync(CORPUS) ? nixFiles(CORPUS).filter((f) => RELEVANT.test(readFileSync(f, 'utf8'))) : [];

/** Names under `prefix` that the file writes literally (interfaces, systemd networks). */
async function namesUnder(text: string, prefix: readonly string[]): Promise<string[]> {
  const parser = await createNixParser();
  const names = withNixDoc(parser, sourceFile(text), (doc) => {
    const found = new Set<string>();
    for (const { path } of definedPaths(doc.root)) {
      if (path.length > prefix.length && prefix.every((k, i) => path[i] === k)) found.add(path[prefix.length]);
    }
    return [...found];
  });
  parser.delete();
  return names;
}

describe('Nix edits on the corpus', { skip: files.length === 0 ? `no corpus at ${CORPUS}` : false }, () => {
  for (const path of files) {
    it(relative(CORPUS, path), async () => {
      const text = readFileSync(path, 'utf8');
      const b = await nixEdits();
      const file = sourceFile(text, path);
      const attempts: [string, FileEdit[] | undefined][] = [];
      for (const name of await namesUnder(text, ['networking', 'interfaces'])) {
        attempts.push([`ipv6 on ${name}`, b.setNixAttr(file, ['networking', 'interfaces', name, 'ipv6', 'addresses'], '[\n  { address = "2001:db8::25"; prefixLength = 64; }\n]')]);
      }
      for (const name of await namesUnder(text, ['systemd', 'network', 'networks'])) {
        attempts.push([`address on ${name}`, b.appendNixListElements(file, ['systemd', 'network', 'networks', name, 'address'], ['"2001:db8::25/64"'])]);
      }
      if (/postfix/.test(text)) {
        attempts.push(['inet_protocols', b.setPostfixMainNix(file, 'inet_protocols', 'ipv4')]);
        attempts.push(['smtp_bind_address6', b.setPostfixMainNix(file, 'smtp_bind_address6', '2001:db8::25')]);
        attempts.push(['smtp -o', b.setMasterOverrideNix(file, 'smtp', 'inet_protocols', 'ipv4')]);
      }
      attempts.push(['defaultGateway6', b.setNixAttr(file, ['networking', 'defaultGateway6'], '{ address = "fe80::1"; interface = "ens3"; }')]);
      for (const [what, edits] of attempts) {
        if (process.env.EDITS_NIX_VERBOSE) console.log(`${relative(CORPUS, path)}: ${what}: ${edits ? 'edited' : 'no safe edit'}`);
        if (edits) await applyAndCheck(text, edits).catch((e: Error) => assert.fail(`${what}: ${e.message}`));
      }
      // Every one of these files is a module the builder can see into, and an interface or
      // network written with a literal name always has room for an address.
      assert.ok(attempts.some(([, edits]) => edits !== undefined), 'no edit was possible at all');
      const refused = attempts.filter(([what, edits]) => /^(ipv6|address) on /.test(what) && !edits).map(([what]) => what);
      assert.deepEqual(refused, []);
    });
  }
});
