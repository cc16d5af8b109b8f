/**
 * A hostile repository: the extension reads it, and must never run anything from it, never
 * hang on it, and never read outside it on its behalf. Zone `$INCLUDE`s are the one place
 * where file content names other files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadZoneText } from '../../server/src/dns/zones';
import { findTool } from '../support/tools';
import { CLI, REPO_ROOT } from '../support/paths';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function zoneDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'infra-review-include-'));
  dirs.push(d);
  return d;
}
const HEAD = '$ORIGIN evil.test.\n@ 3600 IN SOA ns h 1 2 3 4 5\n';

describe('zone $INCLUDE in a hostile repository', () => {
  it('/dev/zero (a read that never ends) is not read: the CLI finishes', () => {
    const d = zoneDir();
    writeFileSync(join(d, 'evil.test.zone'), `${HEAD}$INCLUDE /dev/zero\n`);
    const r = spawnSync(process.execPath, [CLI, 'check', d, '--dns', 'off'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.signal, null, 'the CLI hung');
    assert.match(r.stdout, /\$INCLUDE \/dev\/zero: not read/);
  });

  it('a file outside the zone file\'s directory (absolute, ../, or through a symlink) is not read', () => {
    const d = zoneDir();
    const outside = zoneDir();
    writeFileSync(join(outside, 'secret.inc'), 'leaked 300 IN TXT "CI_TOKEN=hunter2"\n');
    symlinkSync(join(outside, 'secret.inc'), join(d, 'link.inc'));
    const top = join(d, 'evil.test.zone');
    const text = `${HEAD}$INCLUDE ${join(outside, 'secret.inc')}\n$INCLUDE ../${outside.split('/').pop()}/secret.inc\n$INCLUDE link.inc\n$INCLUDE /etc/passwd\n`;
    writeFileSync(top, text);
    const loaded = loadZoneText(top, text);
    const all = JSON.stringify(loaded);
    assert.ok(!/hunter2|leaked|root:/.test(all), all);
    assert.equal(loaded.errors.filter((e) => /not read: outside/.test(e.message)).length, 4, JSON.stringify(loaded.errors));
    assert.ok(loaded.errors.every((e) => e.at.file === top), 'no location in another file');
  });

  it('a FIFO is not read (it would block)', { skip: findTool('mkfifo') ? false : 'mkfifo not found' }, () => {
    const d = zoneDir();
    spawnSync(findTool('mkfifo')!, [join(d, 'pipe.inc')]);
    const text = `${HEAD}$INCLUDE pipe.inc\n`;
    const loaded = loadZoneText(join(d, 'evil.test.zone'), text);
    assert.ok(loaded.errors.some((e) => /not a regular file/.test(e.message)));
  });

  it('includes inside the directory still work, also from a subdirectory back up', () => {
    const d = zoneDir();
    mkdirSync(join(d, 'parts'));
    writeFileSync(join(d, 'common.inc'), 'www 300 IN A 192.0.2.80\n');
    writeFileSync(join(d, 'parts', 'hosts.inc'), 'mail 300 IN A 192.0.2.25\n$INCLUDE ../common.inc\n');
    const text = `${HEAD}$INCLUDE parts/hosts.inc\n`;
    const loaded = loadZoneText(join(d, 'evil.test.zone'), text);
    assert.deepEqual(loaded.errors.filter((e) => e.severity === 'error'), []);
    const names = loaded.zones.flatMap((z) => z.records.map((r) => r.name));
    assert.ok(names.includes('mail.evil.test') && names.includes('www.evil.test'), JSON.stringify(names));
  });
});

describe('no execution', () => {
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
    });
  }

  it('neither the server nor the client can start a process (so never Nix) or evaluate code', () => {
    // Without child_process nothing can run nix-instantiate or any other program; `eval(x)`
    // (global eval with an argument, not the Nix evaluator's typed method) nor new Function.
    const forbidden = /from ['"](node:)?(child_process|vm|worker_threads|cluster)['"]|require\(['"](node:)?(child_process|vm|worker_threads)['"]\)|(?<![\w.])eval\((?=[^)\s])(?![^)]*:)|new Function\(/;
    const files = [...sources(join(REPO_ROOT, 'server/src')), ...sources(join(REPO_ROOT, 'client/src'))];
    assert.ok(files.length > 50);
    // The one exception: the CLI's launcher compiles infra-review's own bundle through vm.Script
    // to use V8's code cache (it never sees a workspace file); below, that module may import
    // `vm` and nothing else on the list, and the bundle of the server and the analysis does not
    // contain it.
    const launcherCache = join(REPO_ROOT, 'server/src/cli/code-cache.ts');
    const offenders = files.filter((f) => forbidden.test(f === launcherCache ? readFileSync(f, 'utf8').replace(/^import \{ Script \} from 'node:vm';$/m, '') : readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
    const importers = files.filter((f) => /from ['"]\.\/cli\/code-cache['"]|from ['"]\.\/code-cache['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(importers, [join(REPO_ROOT, 'server/src/cli-launch.ts')]);
    assert.doesNotMatch(readFileSync(join(REPO_ROOT, 'dist/server.js'), 'utf8'), /require\("(node:)?(vm|child_process|worker_threads|cluster)"\)/);
  });
});
