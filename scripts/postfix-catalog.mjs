#!/usr/bin/env node
// Regenerates server/src/postfix/data/parameters.json: every parameter the installed
// Postfix knows (`postconf -d`, built-in defaults) with its default value text.
// Defaults that postconf computes from the machine it runs on (host name, interfaces) are
// stored as null and listed under "computed": they must never be read as this machine's.
//
// Usage: node scripts/postfix-catalog.mjs [path/to/postconf]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const postconf = process.argv[2] ?? '/usr/sbin/postconf';
const out = join(root, 'server/src/postfix/data/parameters.json');

/** Computed at run time from the host (see postconf(5)). */
const COMPUTED = {
  myhostname: 'the fully-qualified host name of the machine Postfix runs on',
  mydomain: '$myhostname minus its first label',
  mynetworks: 'the networks of the machine\'s interfaces, as selected by mynetworks_style',
  process_id: 'the process id of the Postfix process',
  process_name: 'the name of the Postfix process',
};

// An empty configuration directory, so nothing on this machine leaks into the defaults.
const dir = mkdtempSync(join(tmpdir(), 'postfix-catalog-'));
try {
  writeFileSync(join(dir, 'main.cf'), '');
  writeFileSync(join(dir, 'master.cf'), '');
  const run = (...args) => execFileSync(postconf, ['-c', dir, ...args], { encoding: 'utf8' });
  const version = run('-dh', 'mail_version').trim();
  const parameters = {};
  for (const line of run('-d').split('\n')) {
    const m = /^([A-Za-z0-9_]+) =(?: (.*))?$/.exec(line);
    if (!m) continue;
    parameters[m[1]] = m[1] in COMPUTED ? null : (m[2] ?? '');
  }
  // config_directory reflects -c; the compiled-in default is /etc/postfix on Debian.
  parameters.config_directory = '/etc/postfix';
  // "Raw" parameters are expanded only at run time by the program that uses them (with
  // attributes like $home or $recipient): set every parameter to $myhostname and keep those
  // that `postconf -x` leaves unexpanded.
  writeFileSync(join(dir, 'main.cf'), Object.keys(parameters).map((n) => `${n} = $myhostname\n`).join('') + 'myhostname = h.example\n');
  const raw = [];
  for (const line of execFileSync(postconf, ['-c', dir, '-x'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')) {
    const m = /^([A-Za-z0-9_]+) = \$myhostname$/.exec(line);
    if (m) raw.push(m[1]);
  }
  const data = {
    provenance: {
      source: `Postfix ${version} (${postconfPackage()}), built-in defaults`,
      command: `${postconf} -c <empty dir> -d`,
      generatedBy: 'scripts/postfix-catalog.mjs',
      date: new Date().toISOString().slice(0, 10),
    },
    computed: COMPUTED,
    raw: raw.sort(),
    parameters: Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  writeFileSync(out, JSON.stringify(data, null, 1) + '\n');
  console.log(`wrote ${Object.keys(parameters).length} parameters of Postfix ${version} to ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function postconfPackage() {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${Package} ${Version}', 'postfix'], { encoding: 'utf8' });
  } catch {
    return 'package unknown';
  }
}
