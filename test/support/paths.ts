import { resolve } from 'node:path';

/** Repository root, from out/test/support/paths.js or test/support/paths.ts. */
export const REPO_ROOT = resolve(__dirname, __dirname.includes('/out/') ? '../../..' : '../..');
/** The shared real-world corpus; tests read it in place, never copy it. */
export const CORPUS = resolve(REPO_ROOT, '../shared/corpus');
export const FIXTURES = resolve(REPO_ROOT, 'test/fixtures');
export const EXAMPLES = resolve(REPO_ROOT, 'examples');
export const CLI = resolve(REPO_ROOT, 'bin/infra-review.js');
