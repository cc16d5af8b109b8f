import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's cache directory for infra-review: `$XDG_CACHE_HOME/infra-review`, else
 * `~/.cache/infra-review`. It holds DNS answers (engine/setup.ts) and the CLI's compiled code
 * (cli/code-cache.ts); everything in it can be deleted at any time.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'infra-review');
}
