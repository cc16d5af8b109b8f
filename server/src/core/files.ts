/** What a file is, decided by its name and path (never only by an editor's language id). */
export type FileKind = 'nix' | 'postfix-main' | 'postfix-master' | 'postfix-table' | 'compose' | 'env' | 'zone';

const COMPOSE = /(^|[-_.])compose([-_.][^/]*)?\.ya?ml$|^docker-compose[^/]*\.ya?ml$/i;
/** Extensions that make a `db.*` name a database or backup, not a BIND zone file. */
const NOT_ZONE = /\.(db|sqlite3?|lmdb|json|ya?ml|bak|old|orig|swp|lock|gz|xz|zst)$/i;
/** Postfix lookup tables that commonly sit beside main.cf: never parsed as main.cf. */
const POSTFIX_TABLE = /\.(cidr|pcre|regexp|hash|lmdb|cdb|texthash|db)$/i;

export function classifyFile(path: string): FileKind | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base.endsWith('.nix')) return 'nix';
  if (base === 'main.cf' || /^main\.cf\.(in|j2|tpl|template|sample)$/.test(base)) return 'postfix-main';
  if (base === 'master.cf' || /^master\.cf\.(in|j2|tpl|template|sample)$/.test(base)) return 'postfix-master';
  if (POSTFIX_TABLE.test(base) && /postfix/i.test(path)) return 'postfix-table';
  if (/\.cidr$/i.test(base)) return 'postfix-table';
  if (COMPOSE.test(base)) return 'compose';
  if (base === '.env') return 'env';
  // BIND's `db.example.org` naming, but not databases that happen to start with `db.`.
  if (/\.zone$/i.test(base) || (/^db\.[^/]+$/.test(base) && !NOT_ZONE.test(base))) return 'zone';
  return undefined;
}
