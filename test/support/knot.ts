/**
 * A real authoritative DNS server (Knot DNS's knotd) on 127.0.0.1 for tests: serves the given
 * zone files at a free port over UDP and TCP, waits until it answers a query (polling, no
 * fixed sleep), and stops it. Only ever binds loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as dnsPacket from 'dns-packet';

export interface KnotZone {
  /** Zone apex, e.g. `example.test`. */
  readonly origin: string;
  /** The zone file; files it `$INCLUDE`s by relative path must sit beside it (pass them in `extraFiles`). */
  readonly file: string;
}

export interface KnotServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:PORT`, for `--resolver` / the view's `resolvers`. */
  readonly address: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1 (the server binds it right after). */
export async function freeLoopbackPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = dgram.createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free loopback port');
}

function knotConfig(dir: string, port: number, zones: readonly KnotZone[]): string {
  return [
    'server:',
    `    rundir: "${dir}"`,
    `    listen: 127.0.0.1@${port}`,
    '    udp-workers: 1',
    '    tcp-workers: 1',
    '    background-workers: 1',
    'log:',
    '  - target: stderr',
    '    any: warning',
    'database:',
    `    storage: "${dir}/db"`,
    'template:',
    '  - id: default',
    `    storage: "${dir}/zones"`,
    '    zonefile-sync: -1',
    '    zonefile-load: whole',
    '    journal-content: none',
    '    semantic-checks: off',
    'zone:',
    ...zones.map((z) => `  - domain: "${z.origin}."\n    file: "${basename(z.file)}"`),
    '',
  ].join('\n');
}

/** Asks for a zone's SOA; true once the server answers it authoritatively (the zone is loaded). */
function probe(port: number, name: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const id = randomInt(0, 65536);
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    sock.on('error', () => done(false));
    sock.on('message', (msg) => {
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      const loaded = (msg.readUInt16BE(2) & 0xf) === 0 && msg.readUInt16BE(6) > 0;
      done(loaded);
    });
    sock.send(dnsPacket.encode({ type: 'query', id, questions: [{ type: 'SOA', name }] }), port, '127.0.0.1');
  });
}

/**
 * Starts knotd serving `zones`. `extraFiles` (e.g. `$INCLUDE`d files) are copied beside the
 * zone files. Throws with knotd's stderr if it does not answer within `startTimeoutMs`.
 */
export async function startKnot(
  knotd: string,
  zones: readonly KnotZone[],
  options: { extraFiles?: readonly string[]; startTimeoutMs?: number } = {},
): Promise<KnotServer> {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-knot-'));
  const zoneDir = join(dir, 'zones');
  mkdirSync(zoneDir, { recursive: true });
  for (const z of zones) copyFileSync(z.file, join(zoneDir, basename(z.file)));
  for (const f of options.extraFiles ?? []) copyFileSync(f, join(zoneDir, basename(f)));
  const port = await freeLoopbackPort();
  const conf = join(dir, 'knot.conf');
  writeFileSync(conf, knotConfig(dir, port, zones));

  let stderr = '';
  const child: ChildProcess = spawn(knotd, ['-c', conf, '-s', join(dir, 'knot.sock')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 10000);
  const pending = new Set(zones.map((z) => z.origin));
  while (Date.now() < deadline && !exited) {
    for (const origin of [...pending]) if (await probe(port, origin, 200)) pending.delete(origin);
    if (pending.size === 0) return { host: '127.0.0.1', port, address: `127.0.0.1:${port}`, dir, stop };
    await new Promise((r) => setTimeout(r, 20)); // poll interval between probes, not a wait for readiness
  }
  await stop();
  throw new Error(`knotd did not serve ${[...pending].join(', ')} on 127.0.0.1:${port}${exited ? ' (it exited)' : ''}:\n${stderr}`);
}
