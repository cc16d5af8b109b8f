/**
 * A minimal DNS stub client on UDP with TCP fallback. Written here rather than using
 * node:dns's Resolver because the view needs TTLs for every type, the SOA of negative
 * answers (RFC 2308 caching), NXDOMAIN vs NODATA, and control over truncation.
 */
import { randomFillSync } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { getServers } from 'node:dns';
import { readFileSync } from 'node:fs';
import * as dnsPacket from 'dns-packet';
import type { RRType, UnknownReason } from './types';
import { normalizeName } from './names';
import { deadline } from './deadlines';
import { decodeResponse } from './wire';
import type { Deadline } from './deadlines';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
}

export type DecodedResponse = dnsPacket.DecodedPacket & { rcode?: string };

export type ExchangeResult =
  | { readonly kind: 'response'; readonly packet: DecodedResponse; readonly server: string; readonly tcp: boolean }
  | { readonly kind: 'failure'; readonly reason: UnknownReason; readonly detail: string };

/** What the client needs of an AbortSignal; the resolver passes a lighter object of its own. */
export interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface ExchangeOptions {
  /** Budget for the UDP exchange, retry included; TCP after truncation gets the same again. */
  readonly timeoutMs: number;
  readonly signal?: AbortLike;
  /** EDNS UDP payload size advertised (RFC 9715 suggests 1232). */
  readonly udpPayloadSize?: number;
}

/**
 * Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address. IPv4 is tried first (no
 * IPv4 form is also an IPv6 one): node's isIPv6 is a long regex whose first use costs about
 * 12 ms of compiling, which an IPv4 resolver, the usual case, then never pays.
 */
export function parseServerAddress(text: string): ServerAddress | undefined {
  const t = text.trim();
  let m = /^([^:]+)(?::(\d+))?$/.exec(t);
  if (m && net.isIPv4(m[1])) return withPort(m[1], m[2], 4);
  m = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (m && net.isIPv6(m[1])) return withPort(m[1], m[2], 6);
  if (net.isIPv6(t)) return { host: t, port: 53, family: 6 };
  return undefined;
}

function withPort(host: string, port: string | undefined, family: 4 | 6): ServerAddress | undefined {
  const p = port === undefined ? 53 : Number(port);
  return p > 0 && p < 65536 ? { host, port: p, family } : undefined;
}

export function formatServer(s: ServerAddress): string {
  // Remembered per server: every answer is labelled with it.
  let label = serverLabels.get(s);
  if (label === undefined) {
    const host = s.family === 6 ? `[${s.host}]` : s.host;
    label = s.port === 53 ? s.host : `${host}:${s.port}`;
    serverLabels.set(s, label);
  }
  return label;
}

const serverLabels = new WeakMap<ServerAddress, string>();

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
  return encodeQuestion(id, name, type, udpPayloadSize) ?? encodeWithPacket(id, name, type, udpPayloadSize);
}

function encodeWithPacket(id: number, name: string, type: RRType, udpPayloadSize: number): Buffer {
  const opt = { type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    additionals: [opt as unknown as dnsPacket.Answer],
  });
}

/**
 * A query ID from the system's CSPRNG (unpredictable IDs are half of what stops off-path
 * spoofing). Drawn in blocks: randomInt per question cost about 1.5 µs each.
 */
function randomId(): number {
  if (idNext === idBlock.length) {
    randomFillSync(idBlock);
    idNext = 0;
  }
  return idBlock[idNext++];
}

const idBlock = new Uint16Array(512);
let idNext = idBlock.length;

const TYPE_CODES: Readonly<Record<RRType, number>> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28 };

/** Characters of a plain label (what normalizeName gives for host names): a-z 0-9 _ * -. */
function plainChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2a;
}

/**
 * The bytes dns-packet writes for our query (RD, one IN question, an OPT record), without
 * building and walking its object model: most of the encoding cost per question. Only plain
 * names (labels of 1-63 plain characters); anything else goes through dns-packet.
 */
export function encodeQuestion(id: number, name: string, type: RRType, udpPayloadSize: number): Buffer | undefined {
  if (name.length > 253) return undefined;
  const qname = name === '' ? 1 : name.length + 2;
  const buf = Buffer.allocUnsafe(12 + qname + 4 + 11);
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(dnsPacket.RECURSION_DESIRED, 2);
  buf.writeUInt16BE(1, 4); // QDCOUNT
  buf.writeUInt32BE(0, 6); // ANCOUNT, NSCOUNT
  buf.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  let o = 12;
  if (name !== '') {
    // One pass over the characters, checking and copying them, and each label's length byte
    // filled in at its end: a regex test plus a Buffer.write per label cost twice as much.
    let lengthAt = o++;
    for (let i = 0; i <= name.length; i++) {
      const c = i < name.length ? name.charCodeAt(i) : 0x2e;
      if (c === 0x2e) {
        const len = o - lengthAt - 1;
        if (len < 1 || len > 63) return undefined;
        buf[lengthAt] = len;
        lengthAt = o++;
      } else if (plainChar(c)) buf[o++] = c;
      else return undefined;
    }
    o--; // the length byte opened after the last label is the terminating zero below
  }
  buf[o++] = 0;
  buf.writeUInt16BE(TYPE_CODES[type], o);
  buf.writeUInt16BE(1, o + 2); // IN
  o += 4;
  // OPT: root name, type 41, class = payload size, TTL 0 (rcode, version, flags), no options.
  buf[o] = 0;
  buf.writeUInt16BE(41, o + 1);
  buf.writeUInt16BE(udpPayloadSize, o + 3);
  buf.writeUInt32BE(0, o + 5);
  buf.writeUInt16BE(0, o + 9);
  return buf;
}

/** undefined: not ours (ignore it); 'malformed': ours (ID matches) but unreadable or wrong question. */
function readResponse(buf: Buffer, id: number, name: string, type: RRType): DecodedResponse | 'malformed' | undefined {
  if (buf.length < 12 || buf.readUInt16BE(0) !== id) return undefined;
  let packet: DecodedResponse;
  try {
    packet = decodeResponse(buf) ?? (dnsPacket.decode(buf) as DecodedResponse);
  } catch {
    return 'malformed';
  }
  if (!packet.flag_qr) return undefined;
  const q = packet.questions?.[0];
  // A spoofed or stale packet with our ID but another question is ignored, not trusted.
  if (!q || q.type !== type || (q.name !== name && normalizeName(q.name) !== normalizeName(name))) return undefined;
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

/**
 * A connected UDP socket shared by the questions to one server, as c-ares (node's Resolver)
 * does: a socket per question cost several event-loop turns and syscalls each, which made a
 * fleet's look-ups several times slower than the plain resolver. After
 * MAX_QUESTIONS_PER_SOCKET questions, or any error, the socket is retired and the next one
 * gets a new random source port, so an off-path spoofer still has to guess port and ID.
 */
const MAX_QUESTIONS_PER_SOCKET = 64;
const IDLE_CLOSE_MS = 2000;

interface UdpWaiter {
  onMessage(msg: Buffer): void;
  onError(e: Error): void;
}

class SharedUdpSocket {
  private readonly socket: dgram.Socket;
  private readonly waiters = new Map<number, UdpWaiter>();
  private connected = false;
  private readonly pending: Buffer[] = [];
  private idle: NodeJS.Timeout | undefined;
  private closed = false;
  retired = false;
  used = 0;

  constructor(readonly server: ServerAddress, private readonly onRetire: (s: SharedUdpSocket) => void) {
    this.socket = dgram.createSocket(server.family === 6 ? 'udp6' : 'udp4');
    // Questions in flight keep the process alive through their timers, not the socket.
    this.socket.unref();
    this.socket.on('message', (msg: Buffer) => {
      if (msg.length < 2) return;
      this.waiters.get(msg.readUInt16BE(0))?.onMessage(msg);
    });
    this.socket.on('error', (e) => {
      this.retire();
      for (const w of [...this.waiters.values()]) w.onError(e);
    });
    // Connected: only the server's datagrams arrive, and ICMP unreachable surfaces as an error.
    this.socket.connect(server.port, server.host, () => {
      this.connected = true;
      for (const q of this.pending.splice(0)) this.write(q);
    });
  }

  /** A fresh ID not in flight on this socket. */
  freeId(): number {
    for (;;) {
      const id = randomId();
      if (!this.waiters.has(id)) return id;
    }
  }

  /** Sends `query` (whose ID is `id`); returns the function that stops listening. */
  ask(id: number, query: Buffer, waiter: UdpWaiter): () => void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    this.waiters.set(id, waiter);
    if (++this.used >= MAX_QUESTIONS_PER_SOCKET) this.retire();
    if (this.connected) this.write(query);
    else this.pending.push(query);
    return () => {
      if (this.waiters.get(id) !== waiter) return;
      this.waiters.delete(id);
      if (this.waiters.size === 0) {
        if (this.retired) this.close();
        else if (!this.idle) {
          this.idle = setTimeout(() => this.retire(), IDLE_CLOSE_MS);
          this.idle.unref();
        }
      }
    };
  }

  private write(query: Buffer): void {
    if (this.closed) return;
    // Without a callback, a send error is emitted as 'error' on the socket (handled above).
    this.socket.send(query);
  }

  retire(): void {
    if (!this.retired) {
      this.retired = true;
      this.onRetire(this);
    }
    if (this.waiters.size === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

const currentSockets = new Map<string, SharedUdpSocket>();

function udpSocketFor(server: ServerAddress): SharedUdpSocket {
  // The label names one host and port; unlike a new key string, it is not hashed again per question.
  const key = formatServer(server);
  let s = currentSockets.get(key);
  if (!s || s.retired) {
    s = new SharedUdpSocket(server, (gone) => currentSockets.get(key) === gone && currentSockets.delete(key));
    currentSockets.set(key, s);
  }
  return s;
}

function exchangeUdp(servers: readonly ServerAddress[], name: string, type: RRType, options: ExchangeOptions): Promise<ExchangeResult> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) return Promise.resolve(aborted());
  const attempts = [servers[0], servers[1 % servers.length]];
  return new Promise((resolve) => {
    const stops: (() => void)[] = [];
    const errors: string[] = [];
    let sent = 0;
    let done = false;
    let retry: Deadline | undefined;
    let expire: Deadline | undefined;
    const finish = (r: ExchangeResult) => {
      if (done) return;
      done = true;
      retry?.cancel();
      expire?.cancel();
      for (const stop of stops) stop();
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = () => finish(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    const send = (k: number) => {
      if (done) return;
      const server = attempts[k];
      sent++;
      let socket: SharedUdpSocket;
      try {
        socket = udpSocketFor(server);
      } catch (e) {
        errors.push(`${formatServer(server)}: ${(e as Error).message}`);
        return finish({ kind: 'failure', reason: 'offline', detail: errors.join('; ') });
      }
      // Each attempt has its own ID: a late answer to the first is still accepted.
      const id = socket.freeId();
      const query = buildQuery(id, name, type, options.udpPayloadSize ?? 1232);
      stops.push(
        socket.ask(id, query, {
          onMessage: (msg) => {
            const r = readResponse(msg, id, name, type);
            if (r === 'malformed') finish({ kind: 'failure', reason: 'malformed', detail: `unreadable answer from ${formatServer(server)}` });
            else if (r) finish({ kind: 'response', packet: r, server: formatServer(server), tcp: false });
          },
          onError: (e) => {
            errors.push(`${formatServer(server)}: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
            // Every attempt sent so far failed at once (no route, refused): offline, not a slow timeout.
            if (errors.length === attempts.length) finish({ kind: 'failure', reason: 'offline', detail: errors.join('; ') });
            else if (sent < attempts.length) {
              retry?.cancel();
              send(sent);
            }
          },
        }),
      );
    };
    retry = deadline(Math.floor(timeoutMs / 2), () => sent < attempts.length && send(1));
    expire = deadline(timeoutMs, () => finish({ kind: 'failure', reason: 'timeout', detail: `no answer from ${[...new Set(attempts.map(formatServer))].join(', ')} within ${timeoutMs} ms` }));
    send(0);
  });
}

function exchangeTcp(server: ServerAddress, name: string, type: RRType, options: ExchangeOptions): Promise<ExchangeResult> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) return Promise.resolve(aborted());
  const id = randomId();
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
