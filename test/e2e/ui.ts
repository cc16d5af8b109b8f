/** A UI check through the workbench itself: a squiggle, its hover, and a screenshot of both (used in the README). */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { REPO_ROOT } from '../support/paths';
import type { Session } from './code-server';

/**
 * Where the UI test saves its screenshot: under out/ on every run, or over the README's image
 * with INFRA_REVIEW_UPDATE_SCREENSHOTS=1 (so a test run leaves the work tree clean).
 */
export const SCREENSHOT = process.env.INFRA_REVIEW_UPDATE_SCREENSHOTS === '1'
  ? `${REPO_ROOT}/docs/images/editor-diagnostic-hover.png`
  : `${REPO_ROOT}/out/screenshots/editor-diagnostic-hover.png`;

export async function squiggleAndHover(session: Session, screenshotPath = SCREENSHOT): Promise<{ hover: string }> {
  const page = await session.page();
  try {
    const workspace = session.freshWorkspace('ws-ui');
    const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${session.port}${REPO_ROOT}`]]);
    await page.goto(`http://127.0.0.1:${session.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
    // Open relay/main.cf with Quick Open, as a user would.
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type('relay/main.cf');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { state: 'visible' });
    await page.keyboard.press('Enter');
    const squiggle = await page.waitForSelector('.squiggly-error', { timeout: 120000 });
    await page.mouse.move(0, 0);
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('squiggle has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = await page.waitForSelector('.monaco-hover:not(.hidden) .hover-contents', { state: 'visible', timeout: 30000 });
    // Both parts of the hover: the diagnostic and the DNS section from the server.
    const hoverSays = (re: string) => `new RegExp(${JSON.stringify(re)}).test(document.querySelector('.monaco-hover:not(.hidden)')?.textContent ?? '')`;
    await page.waitForFunction(`${hoverSays('postfix-match-list-brackets')} && ${hoverSays('PTR|ip6\\.arpa')}`, undefined, { timeout: 30000 });
    const text = (await page.locator('.monaco-hover:not(.hidden)').first().textContent()) ?? (await hover.textContent()) ?? '';
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    return { hover: text };
  } catch (e) {
    // What the workbench showed, for the failure report.
    const shot = `${dirname(screenshotPath)}/../../out/e2e-failure.png`;
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`${(e as Error).message}\n(screenshot of the failure: ${shot})`);
  } finally {
    await page.context().close();
  }
}
