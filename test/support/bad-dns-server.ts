/**
 * A misbehaving DNS server on 127.0.0.1 (UDP and TCP on one port), built on dns-packet, for
 * the reliability tests: it never answers, answers late, fails, truncates, sends garbage or
 * answers with the wrong ID or question, answers hugely, or serves CNAME and SPF include
 * loops. Mode `random` picks a behaviour per query (soak test); mode `good` answers from a
 * small table. Only ever binds loopback. Every question it receives is counted.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';

export const BAD_MODES = [
  'silent',
  'slow',
  'servfail',
  'refused',
  'truncated',
  'truncated-tcp-hangs',
  'malformed',
  'wrong-id',
  'wrong-question',
  'huge',
  'cname-loop',
  'spf-loop',
] as const;

export type BadMode = (typeof BAD_MODES)[number] | 'good' | 'random';

export interface BadDnsServer {
  readonly address: string;
  readonly port: number;
  /** Questions received (UDP and TCP), as `udp|tcp NAME TYPE`. */
  readonly queries: string[];
  mode: BadMode;
  /** Delay of mode `slow` (and of slow answers in `random`). */
  slowMs: number;
  close(): Promise<void>;
}

/** Records of mode `good` (and the good half of `random`): a few names under `*.test`. */
function goodAnswers(q: dnsPacket.Question): dnsPacket.Answer[] {
  const name = q.name.toLowerCase();
  switch (q.type) {
    case 'A':
      return name.endsWith('.test') ? [{ type: 'A', name: q.name, ttl: 300, data: '192.0.2.25' }] : [];
    case 'AAAA':
      return name.startsWith('mail.') ? [{ type: 'AAAA', name: q.name, ttl: 300, data: '2001:db8::25' }] : [];
    case 'MX':
      return [{ type: 'MX', name: q.name, ttl: 300, data: { preference: 10, exchange: `mail.${name}` } }];
    case 'TXT':
      return [{ type: 'TXT', name: q.name, ttl: 300, data: ['v=spf1 ip4:192.0.2.0/24 -all'] }];
    default:
      return [];
  }
}

function response(q: dnsPacket.DecodedPacket, extra: Partial<dnsPacket.Packet> & { rcode?: string }): dnsPacket.Packet {
  const base: dnsPacket.Packet = {
    type: 'response',
    id: q.id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: q.questions,
    answers: [],
  };
  // dns-packet encodes the rcode only as the low bits of `flags`.
  const { rcode, ...rest } = extra;
  const merged = { ...base, ...rest };
  return { ...merged, flags: (merged.flags ?? 0) | (rcode ? RCODES[rcode] : 0) };
}

const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

type Reply = { kind: 'send'; bytes: Buffer; delayMs?: number } | { kind: 'none' } | { kind: 'close' };

const RANDOM_CHOICES: readonly BadMode[] = [...BAD_MODES, 'good', 'good', 'good'];

/** What to do with one query in `mode`; `tcp` for the stream transport. */
function behave(mode: BadMode, q: dnsPacket.DecodedPacket, tcp: boolean, slowMs: number): Reply {
  const question = q.questions?.[0] ?? { name: '.', type: 'A' as const };
  const enc = (p: dnsPacket.Packet) => dnsPacket.encode(p);
  switch (mode) {
    case 'random':
      return behave(RANDOM_CHOICES[Math.floor(Math.random() * RANDOM_CHOICES.length)], q, tcp, slowMs);
    case 'good':
      return { kind: 'send', bytes: enc(response(q, { answers: goodAnswers(question) })) };
    case 'silent':
      return { kind: 'none' };
    case 'slow':
      return { kind: 'send', bytes: enc(response(q, { answers: goodAnswers(question) })), delayMs: slowMs };
    case 'servfail':
      return { kind: 'send', bytes: enc(response(q, { rcode: 'SERVFAIL' })) };
    case 'refused':
      return { kind: 'send', bytes: enc(response(q, { rcode: 'REFUSED' })) };
    case 'truncated':
      // Truncated over UDP, and over TCP a connection closed without an answer.
      return tcp ? { kind: 'close' } : { kind: 'send', bytes: enc(response(q, { flags: dnsPacket.TRUNCATED_RESPONSE })) };
    case 'truncated-tcp-hangs':
      return tcp ? { kind: 'none' } : { kind: 'send', bytes: enc(response(q, { flags: dnsPacket.TRUNCATED_RESPONSE })) };
    case 'malformed': {
      // Our ID and the QR bit, then garbage: the client must treat it as unreadable.
      const junk = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 200, 0, 0, 0, 0, 0xff, 0xff, 0xc0, 0xff, 1, 2, 3]);
      junk.writeUInt16BE(q.id ?? 0, 0);
      return { kind: 'send', bytes: junk };
    }
    case 'wrong-id':
      return { kind: 'send', bytes: enc({ ...response(q, { answers: goodAnswers(question) }), id: ((q.id ?? 0) + 1) & 0xffff }) };
    case 'wrong-question':
      return {
        kind: 'send',
        bytes: enc(response(q, { questions: [{ name: 'spoofed.invalid', type: question.type }], answers: [{ type: 'A', name: 'spoofed.invalid', ttl: 300, data: '198.51.100.66' }] })),
      };
    case 'huge': {
      const answers: dnsPacket.Answer[] = [];
      for (let i = 0; i < 1500; i++) answers.push({ type: 'A', name: question.name, ttl: 300, data: `10.${(i >> 8) & 255}.${i & 255}.1` });
      // 1500 records (dns-packet does not compress names: this stays under 64 KiB). Over UDP
      // the packet exceeds what the client advertised: send it truncated, the full one over TCP.
      return tcp ? { kind: 'send', bytes: enc(response(q, { answers })) } : { kind: 'send', bytes: enc(response(q, { flags: dnsPacket.TRUNCATED_RESPONSE })) };
    }
    case 'cname-loop': {
      // name → loop-a.NAME → loop-b.NAME → loop-a.NAME, spread over answers so the client follows it.
      const n = question.name.replace(/^loop-[ab]\./, '');
      const next = question.name.startsWith('loop-a.') ? `loop-b.${n}` : `loop-a.${n}`;
      return { kind: 'send', bytes: enc(response(q, { answers: [{ type: 'CNAME', name: question.name, ttl: 300, data: next }] })) };
    }
    case 'spf-loop': {
      if (question.type !== 'TXT') return { kind: 'send', bytes: enc(response(q, { answers: goodAnswers(question) })) };
      const n = question.name.replace(/^spf-[ab]\./, '');
      const next = question.name.startsWith('spf-a.') ? `spf-b.${n}` : `spf-a.${n}`;
      return { kind: 'send', bytes: enc(response(q, { answers: [{ type: 'TXT', name: question.name, ttl: 300, data: [`v=spf1 include:${next} -all`] }] })) };
    }
  }
}

export async function startBadDnsServer(mode: BadMode, options: { slowMs?: number } = {}): Promise<BadDnsServer> {
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<net.Socket>();
  const queries: string[] = [];
  let closed = false;
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) f();
    }, ms);
    timers.add(t);
  };
  const decode = (buf: Buffer): dnsPacket.DecodedPacket | undefined => {
    try {
      return dnsPacket.decode(buf);
    } catch {
      return undefined;
    }
  };
  const answerUdp = (udp: dgram.Socket) => (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    const q = decode(msg);
    if (!q) return;
    queries.push(`udp ${q.questions?.[0]?.name} ${q.questions?.[0]?.type}`);
    const r = behave(server.mode, q, false, server.slowMs);
    if (r.kind !== 'send') return;
    const send = () => udp.send(r.bytes, rinfo.port, rinfo.address, () => undefined);
    if (r.delayMs) later(r.delayMs, send);
    else send();
  };

  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= buf.readUInt16BE(0) + 2) {
        const q = decode(buf.subarray(2, buf.readUInt16BE(0) + 2));
        buf = buf.subarray(buf.readUInt16BE(0) + 2);
        if (!q) continue;
        queries.push(`tcp ${q.questions?.[0]?.name} ${q.questions?.[0]?.type}`);
        const r = behave(server.mode, q, true, server.slowMs);
        if (r.kind === 'close') sock.destroy();
        if (r.kind !== 'send') continue;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(Math.min(r.bytes.length, 65535));
        const send = () => !sock.destroyed && sock.write(Buffer.concat([len, r.bytes.subarray(0, 65535)]));
        if (r.delayMs) later(r.delayMs, send);
        else send();
      }
    });
  });
  // A free UDP port, then TCP on the same number; that one can be taken (another test's
  // connection uses it as its ephemeral port): then both are tried again on a new number.
  let udp: dgram.Socket | undefined;
  let port = 0;
  for (let attempt = 0; !udp; attempt++) {
    const candidate = dgram.createSocket('udp4');
    candidate.on('message', answerUdp(candidate));
    candidate.on('error', () => undefined);
    await new Promise<void>((resolve) => candidate.bind(0, '127.0.0.1', resolve));
    port = candidate.address().port;
    try {
      await new Promise<void>((resolve, reject) => tcp.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
      udp = candidate;
    } catch (e) {
      candidate.close();
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw e;
    }
  }
  const boundUdp = udp;

  const server: BadDnsServer = {
    address: `127.0.0.1:${port}`,
    port,
    queries,
    mode,
    slowMs: options.slowMs ?? 5000,
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      boundUdp.close();
      await new Promise((r) => tcp.close(r));
    },
  };
  return server;
}
