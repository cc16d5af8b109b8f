/**
 * The in-editor layer, as CI runs it here: code-server + headless Chromium (no desktop VS Code,
 * no internet). Skips locally with the reason when code-server or Chromium are missing
 * (scripts/install-e2e.sh installs them); under CI=true a missing piece fails instead.
 * With a desktop VS Code, the same suite runs through @vscode/test-electron:
 *   node out/test/e2e/run-test-electron.js
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { IN_CI } from '../support/tools';
import { missingPieces, runSuite, startSession, type Session } from './code-server';
import { SCREENSHOT, squiggleAndHover } from './ui';

const missing = missingPieces();
if (missing && IN_CI) throw new Error(`CI=true: the in-editor tests need ${missing}`);
const skip = missing ? `in-editor tests skipped: missing ${missing}` : false;

describe('in a real VS Code (code-server + headless Chromium)', { skip, concurrency: false }, () => {
  let session: Session;
  before(async () => {
    session = await startSession();
  });
  after(async () => {
    await session?.close();
  });

  test('the mocha suite passes inside the extension host', { timeout: 240000 }, async () => {
    const { code, output } = await runSuite(session);
    assert.equal(code, 0, output);
    assert.match(output, /passing/);
  });

  test('UI: a squiggle with its hover, saved as the README screenshot', { timeout: 180000 }, async () => {
    const { hover } = await squiggleAndHover(session);
    assert.match(hover, /postfix-match-list-brackets/);
    assert.ok(existsSync(SCREENSHOT) && statSync(SCREENSHOT).size > 10000, 'screenshot written');
  });
});
