/**
 * The pre-commit hook this repository ships (.pre-commit-hooks.yaml), run for real with
 * `pre-commit try-repo` (Debian `pre-commit`): it installs the hook as pre-commit's
 * `language: node` does (npm install in a clone, npm pack, npm install -g of the tarball) and
 * runs it in a throwaway git repository. The definition itself is checked without pre-commit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { FIXTURES, REPO_ROOT } from '../support/paths';
import { toolOrSkip } from '../support/tools';

interface HookDef {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
  require_serial?: boolean;
}

const hooks = parse(readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookDef[];

describe('.pre-commit-hooks.yaml', () => {
  test('one hook, infra-review, reviewing the whole repository offline', () => {
    assert.ok(Array.isArray(hooks));
    assert.deepEqual(hooks.map((h) => h.id), ['infra-review']);
    const h = hooks[0];
    // The keys pre-commit requires of a manifest entry, with the types it checks.
    for (const k of ['id', 'name', 'entry', 'language'] as const) assert.equal(typeof h[k], 'string', k);
    assert.equal(h.language, 'node');
    assert.equal(h.pass_filenames, false, 'the review is whole-repository: findings join files');
    assert.match(h.entry, /^infra-review check \. --dns off\b/);
  });

  test('docs/ci.md shows the hook as it is', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/ci.md'), 'utf8');
    for (const k of ['entry', 'language', 'pass_filenames', 'files'] as const) assert.ok(doc.includes(`  ${k}: ${String(hooks[0][k])}\n`), `docs/ci.md: ${k}`);
  });

  test('files: runs when a reviewed file changes, not otherwise', () => {
    // Python's re.search and JavaScript agree on this pattern (no look-behind, no flags).
    const re = new RegExp(hooks[0].files);
    for (const f of ['hosts/mail/configuration.nix', 'flake.nix', 'main.cf', 'etc/postfix/master.cf', 'compose.yaml', 'stacks/notify/docker-compose.prod.yml', 'compose.override.yaml', 'dns/acme.example.zone', 'dns/snapshot.zone', 'dns/db.acme.example', 'stacks/notify/.env', 'postfix/main.cf.j2', 'postfix/mynetworks.cidr']) {
      assert.ok(re.test(f), `should run for ${f}`);
    }
    for (const f of ['README.md', 'domain.cf', 'main.cf.orig', 'composer.json', 'composer.yaml', 'recompose.yml', 'nix/notes.txt', 'zone.md', 'x.environment']) {
      assert.ok(!re.test(f), `should not run for ${f}`);
    }
  });
});

const pc = toolOrSkip('pre-commit', 'pre-commit');

const HEAD = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();

describe('pre-commit try-repo with this repository', { skip: pc.skip, concurrency: 2 }, () => {
  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'infra-review-precommit-'));
    for (const [name, from] of Object.entries(files)) copyFileSync(from, join(dir, name));
    writeFileSync(join(dir, 'README.md'), 'not reviewed\n');
    spawnSync('git', ['init', '-q'], { cwd: dir });
    spawnSync('git', ['add', '.'], { cwd: dir });
    return dir;
  }

  /**
   * `pre-commit try-repo` clones this repository and installs the hook. At HEAD: by default
   * try-repo would add uncommitted changes to tracked files but not new untracked files, a
   * mix that need not build while work is in flight; in CI the tree is HEAD anyway.
   */
  function tryRepo(dir: string) {
    // Outside the project: the review would read pre-commit's files (its db.db) as zone data.
    const home = mkdtempSync(join(tmpdir(), 'infra-review-precommit-home-'));
    const r = spawnSync(pc.path!, ['try-repo', REPO_ROOT, 'infra-review', '--ref', HEAD, '--all-files'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 600_000,
      env: {
        ...process.env,
        PRE_COMMIT_HOME: home,
        // Packages the test machine already has need no registry round trip.
        npm_config_prefer_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        NO_COLOR: '1',
      },
    });
    rmSync(home, { recursive: true, force: true });
    return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
  }

  test('a repository with a finding fails, and the finding is printed', { timeout: 600_000 }, () => {
    const dir = project({ 'main.cf': join(FIXTURES, 'cli/brackets/main.cf') });
    try {
      const r = tryRepo(dir);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /infra-review\.+Failed/);
      assert.match(r.out, /main\.cf:3:26: error postfix-match-list-brackets /);
      assert.match(r.out, /1 error, 0 warnings, 0 infos in 1 file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a clean repository passes', { timeout: 600_000 }, () => {
    const dir = project({ 'main.cf': join(FIXTURES, 'cli/clean/main.cf') });
    try {
      const r = tryRepo(dir);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /infra-review\.+Passed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
