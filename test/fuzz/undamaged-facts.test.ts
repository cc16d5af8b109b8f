/**
 * Facts of the undamaged part survive localized damage, for the tree-structured formats too
 * (fixed seeds; see test/fuzz/undamaged-facts.ts and docs/security.md for the measured rates):
 *
 * - Nix: a module whose bindings are damaged only after binding k. No internal error ever;
 *   the facts of bindings 0..k are all still in the model, or the file has a nix-syntax
 *   finding (tree-sitter's recovery sometimes turns the whole module into an error, which
 *   is then reported at its start). A deleted `;` always keeps every earlier fact and is
 *   reported at or after the damage.
 * - compose: one service's block is damaged. The service before it keeps its ports and
 *   environment unless the damaged line is the damaged service's own key (then a
 *   compose-syntax finding); the one after keeps them or there is a compose-syntax finding;
 *   a duplicate key keeps both and is reported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyseOne, COMPOSE_DAMAGES, COMPOSE_LINES, COMPOSE_PATH, composeFacts, damageCompose, damageNix, MAIL_FIRST,
  NIX_BINDINGS, NIX_DAMAGES, NIX_PATH, NIX_TEXT, nixFacts, rng,
} from './undamaged-facts';

const NIX_SEEDS = 25;
const COMPOSE_SEEDS = 40;

describe('Nix: facts of the bindings before the damage', () => {
  it('the undamaged module has every binding fact and no syntax finding', async () => {
    const o = await analyseOne(NIX_PATH, 'nix', NIX_TEXT, 'nix-syntax');
    assert.deepEqual(o.syntaxLines, []);
    assert.deepEqual(NIX_BINDINGS.map((b) => b.fact).filter((f) => !nixFacts(o.model).has(f)), []);
  });

  for (const kind of NIX_DAMAGES) {
    it(`${kind}: ${NIX_SEEDS} seeds after each binding: facts kept, or a nix-syntax finding; never an internal error`, async () => {
      const failures: string[] = [];
      for (let k = 0; k < NIX_BINDINGS.length - 1; k++) {
        for (let s = 0; s < NIX_SEEDS; s++) {
          const d = damageNix(kind, k, rng(1000 * k + s + 7));
          const o = await analyseOne(NIX_PATH, 'nix', d.text, 'nix-syntax');
          const have = nixFacts(o.model);
          const lost = NIX_BINDINGS.slice(0, k + 1).map((b) => b.fact).filter((f) => !have.has(f));
          const why = (p: string) => failures.push(`${kind} after binding ${k}, seed ${s}: ${p}\n${JSON.stringify(d.text)}`);
          if (o.internal.length) why(`internal error ${o.internal[0].message}`);
          if (lost.length && !o.syntaxLines.length) why(`lost ${lost.join(', ')} with no nix-syntax finding`);
          if (kind === 'semicolon') {
            if (lost.length) why(`lost ${lost.join(', ')}`);
            if (!o.syntaxLines.some((l) => l >= d.line)) why(`no nix-syntax finding at or after line ${d.line} (${o.syntaxLines.join(',')})`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});

describe('compose: the other services of a file with one damaged service', () => {
  const whole = COMPOSE_LINES.join('\n') + '\n';

  it('the undamaged file models all three services', async () => {
    const o = await analyseOne(COMPOSE_PATH, 'compose', whole, 'compose-syntax');
    assert.deepEqual([...composeFacts(o.model).keys()].sort(), ['db', 'mail', 'web']);
    assert.deepEqual(o.syntaxLines, []);
  });

  for (const kind of COMPOSE_DAMAGES) {
    it(`${kind}: ${COMPOSE_SEEDS} seeds: services before and after keep ports/environment, or a compose-syntax finding`, async () => {
      const base = composeFacts((await analyseOne(COMPOSE_PATH, 'compose', whole, 'compose-syntax')).model);
      const failures: string[] = [];
      for (let s = 0; s < COMPOSE_SEEDS; s++) {
        const d = damageCompose(kind, rng(s + 11));
        const o = await analyseOne(COMPOSE_PATH, 'compose', d.text, 'compose-syntax');
        const have = composeFacts(o.model);
        const web = have.get('web') === base.get('web');
        const db = have.get('db') === base.get('db');
        const syntax = o.syntaxLines.length > 0;
        const why = (p: string) => failures.push(`${kind} seed ${s}: ${p}\n${d.text}`);
        if (o.internal.length) why(`internal error ${o.internal[0].message}`);
        // Before the damage: kept, except when the damaged line is the service key itself.
        if (!web && (d.line !== MAIL_FIRST || !syntax)) why(`web lost: ${have.get('web')}`);
        // After the damage: kept where the yaml library recovers, else reported.
        if (!db && !syntax) why(`db lost with no compose-syntax finding: ${have.get('db')}`);
        if (kind === 'duplicate' && !(web && db && syntax)) why(`duplicate key: web ${web}, db ${db}, syntax ${syntax}`);
      }
      assert.deepEqual(failures, []);
    });
  }
});
