/**
 * A minimal DNS stub client on UDP with TCP fallback. Written here rather than using
 * node:dns's Resolver because the view needs TTLs for every type, the SOA of negative
 * answers (RFC 2308 caching), NXDOMAIN vs NODATA, and control over truncation.
 */
import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { getServers } from 'node:dns';
import { readFileSync } from 'node:fs';
import * as dnsPacket from 'dns-packet';
import type { RRType, UnknownReason } from './types';
import { normalizeName } from './names';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export type DecodedResponse = dnsPacket.DecodedPacket & { rcode?: string };

export type ExchangeResult =
  | { readonly kind: 'response'; readonly packet: DecodedResponse; readonly server: string; readonly tcp: boolean }
  | { readonly kind: 'failure'; readonly reason: UnknownReason; readonly detail: string };

export interface ExchangeOptions {
  /** Budget for the UDP exchange, retry included; TCP after truncation gets the same again. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** EDNS UDP payload size advertised (RFC 9715 suggests 1232). */
  readonly udpPayloadSize?: number;
}

/** Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address. */
export function parseServerAddress(text: string): ServerAddress | undefined {
  const t = text.trim();
  let m = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (m && net.isIPv6(m[1])) return withPort(m[1], m[2]);
  if (net.isIPv6(t)) return { host: t, port: 53 };
  m = /^([^:]+)(?::(\d+))?$/.exec(t);
  if (m && net.isIPv4(m[1])) return withPort(m[1], m[2]);
  return undefined;
}

function withPort(host: string, port: string | undefined): ServerAddress | undefined {
  const p = port === undefined ? 53 : Number(port);
  return p > 0 && p < 65536 ? { host, port: p } : undefined;
}

export function formatServer(s: ServerAddress): string {
  const host = net.isIPv6(s.host) ? `[${s.host}]` : s.host;
  return s.port === 53 ? s.host : `${host}:${s.port}`;
}

/** The system's resolvers: node's view of them, else /etc/resolv.conf's nameserver lines. */
export function systemResolvers(): string[] {
  try {
    const servers = getServers();
    if (servers.length) return servers;
  } catch {
    // fall through
  }
  try {
    return readFileSync('/etc/resolv.conf', 'utf8')
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
      .filter((s): s is string => !!s);
  } catch {
    return [];
  }
}

function buildQuery(id: number, name: string, type: RRType, udpPayloadSize: number): Buffer {
  const opt = { type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    additionals: [opt as unknown as dnsPacket.Answer],
  });
}

/** undefined: not ours (ignore it); 'malformed': ours (ID matches) but unreadable or wrong question. */
function readResponse(buf: Buffer, id: number, name: string, type: RRType): DecodedResponse | 'malformed' | undefined {
  if (buf.length < 12 || buf.readUInt16BE(0) !== id) return undefined;
  let packet: DecodedResponse;
  try {
    packet = dnsPacket.decode(buf) as DecodedResponse;
  } catch {
    return 'malformed';
  }
  if (!packet.flag_qr) return undefined;
  const q = packet.questions?.[0];
  // A spoofed or stale packet with our ID but another question is ignored, not trusted.
  if (!q || normalizeName(q.name) !== normalizeName(name) || q.type !== type) return undefined;
  return packet;
}

/**
 * One question to the servers: UDP to the first, a retry after half the budget to the next
 * (or the same) while still accepting the first's answer; truncation → the same question
 * over TCP to the server that answered.
 */
export async function exchange(servers: readonly ServerAddress[], name: string, type: RRType, options: ExchangeOptions): Promise<ExchangeResult> {
  if (servers.length === 0) return { kind: 'failure', reason: 'offline', detail: 'no DNS resolver is configured' };
  const udp = await exchangeUdp(servers, name, type, options);
  if (udp.kind === 'response' && udp.packet.flag_tc) {
    const server = servers.find((s) => formatServer(s) === udp.server) ?? servers[0];
    return exchangeTcp(server, name, type, options);
  }
  return udp;
}

function aborted(): ExchangeResult {
  return { kind: 'failure', reason: 'cancelled', detail: 'the query was cancelled' };
}

function exchangeUdp(servers: readonly ServerAddress[], name: string, type: RRType, options: ExchangeOptions): Promise<ExchangeResult> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) return Promise.resolve(aborted());
  const id = randomInt(0, 65536);
  const query = buildQuery(id, name, type, options.udpPayloadSize ?? 1232);
  const attempts = [servers[0], servers[1 % servers.length]];
  return new Promise((resolve) => {
    const sockets: dgram.Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    const errors: string[] = [];
    let done = false;
    const finish = (r: ExchangeResult) => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.close();
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = () => finish(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    const send = (k: number) => {
      if (done) return;
      const server = attempts[k];
      let socket: dgram.Socket;
      try {
        socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
      } catch (e) {
        errors.push(`${formatServer(server)}: ${(e as Error).message}`);
        return finish({ kind: 'failure', reason: 'offline', detail: errors.join('; ') });
      }
      sockets.push(socket);
      socket.on('message', (msg) => {
        const r = readResponse(msg, id, name, type);
        if (r === 'malformed') finish({ kind: 'failure', reason: 'malformed', detail: `unreadable answer from ${formatServer(server)}` });
        else if (r) finish({ kind: 'response', packet: r, server: formatServer(server), tcp: false });
      });
      socket.on('error', (e) => {
        errors.push(`${formatServer(server)}: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
        // Every attempt sent so far failed at once (no route, refused): offline, not a slow timeout.
        if (errors.length === attempts.length) finish({ kind: 'failure', reason: 'offline', detail: errors.join('; ') });
        else if (sockets.length < attempts.length) {
          clearTimeout(retry);
          send(sockets.length);
        }
      });
      // Connected sockets receive only from the server, and ICMP unreachable surfaces as an error.
      socket.connect(server.port, server.host, () => {
        if (done) return;
        socket.send(query, (e) => e && socket.emit('error', e));
      });
    };
    const retry = setTimeout(() => sockets.length < attempts.length && send(1), Math.floor(timeoutMs / 2));
    timers.push(retry);
    send(0);
    timers.push(setTimeout(() => finish({ kind: 'failure', reason: 'timeout', detail: `no answer from ${[...new Set(attempts.map(formatServer))].join(', ')} within ${timeoutMs} ms` }), timeoutMs));
  });
}

function exchangeTcp(server: ServerAddress, name: string, type: RRType, options: ExchangeOptions): Promise<ExchangeResult> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) return Promise.resolve(aborted());
  const id = randomInt(0, 65536);
  const query = buildQuery(id, name, type, options.udpPayloadSize ?? 1232);
  const label = formatServer(server);
  return new Promise((resolve) => {
    let done = false;
    let buf = Buffer.alloc(0);
    const socket = net.connect({ host: server.host, port: server.port });
    const finish = (r: ExchangeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = () => finish(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish({ kind: 'failure', reason: 'timeout', detail: `no TCP answer from ${label} within ${timeoutMs} ms` }), timeoutMs);
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const n = buf.readUInt16BE(0);
        if (buf.length < n + 2) return;
        const msg = buf.subarray(2, n + 2);
        buf = buf.subarray(n + 2);
        const r = readResponse(msg, id, name, type);
        if (r === 'malformed') return finish({ kind: 'failure', reason: 'malformed', detail: `unreadable TCP answer from ${label}` });
        if (r) return finish({ kind: 'response', packet: r, server: label, tcp: true });
      }
    });
    socket.on('error', (e) => finish({ kind: 'failure', reason: 'offline', detail: `TCP to ${label}: ${(e as NodeJS.ErrnoException).code ?? e.message}` }));
    socket.on('close', () => finish({ kind: 'failure', reason: 'malformed', detail: `${label} closed the TCP connection without an answer` }));
  });
}
