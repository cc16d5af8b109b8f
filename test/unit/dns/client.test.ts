/** The stub client and live resolver against fake servers on loopback (never anything else). */
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { after, describe, it } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { LiveResolver } from '../../../server/src/dns/resolver';
import { parseServerAddress } from '../../../server/src/dns/client';
import { createDnsView } from '../../../server/src/dns/view';
import { ZoneSet } from '../../../server/src/dns/zones';

type Handler = (query: dnsPacket.DecodedPacket, reply: (p: dnsPacket.Packet | Buffer) => void) => void;

interface Fake {
  readonly address: string;
  readonly queries: string[];
  close(): Promise<void>;
}

/** A UDP (and optionally TCP) server on 127.0.0.1 answering through `handler`. */
async function fakeServer(handler: Handler, tcpHandler?: Handler): Promise<Fake> {
  const udp = dgram.createSocket('udp4');
  const queries: string[] = [];
  let closed = false;
  udp.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    queries.push(`udp ${q.questions![0].name} ${q.questions![0].type}`);
    handler(q, (p) => !closed && udp.send(Buffer.isBuffer(p) ? p : dnsPacket.encode(p), rinfo.port, rinfo.address));
  });
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const port = udp.address().port;
  let tcp: net.Server | undefined;
  if (tcpHandler) {
    tcp = net.createServer((sock) => {
      sock.on('data', (data) => {
        const q = dnsPacket.decode(data.subarray(2));
        queries.push(`tcp ${q.questions![0].name} ${q.questions![0].type}`);
        tcpHandler(q, (p) => {
          const b = Buffer.isBuffer(p) ? p : dnsPacket.encode(p);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(b.length);
          sock.end(Buffer.concat([len, b]));
        });
      });
    });
    await new Promise<void>((r, j) => tcp!.once('error', j).listen(port, '127.0.0.1', () => r()));
  }
  return {
    address: `127.0.0.1:${port}`,
    queries,
    close: async () => {
      closed = true;
      udp.close();
      if (tcp) await new Promise((r) => tcp!.close(r));
    },
  };
}

const answer = (q: dnsPacket.DecodedPacket, extra: Partial<dnsPacket.Packet>): dnsPacket.Packet => ({
  type: 'response',
  id: q.id,
  flags: dnsPacket.AUTHORITATIVE_ANSWER,
  questions: q.questions,
  ...extra,
});

const soa = { type: 'SOA' as const, name: 'example.test', ttl: 900, data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } };

describe('live resolver over the stub client', () => {
  const servers: Fake[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('parses server addresses', () => {
    assert.deepEqual(parseServerAddress('127.0.0.1'), { host: '127.0.0.1', port: 53, family: 4 });
    assert.deepEqual(parseServerAddress('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353, family: 4 });
    assert.deepEqual(parseServerAddress('[::1]:5353'), { host: '::1', port: 5353, family: 6 });
    assert.deepEqual(parseServerAddress('::1'), { host: '::1', port: 53, family: 6 });
    assert.deepEqual(parseServerAddress('[::ffff:192.0.2.1]'), { host: '::ffff:192.0.2.1', port: 53, family: 6 });
    assert.equal(parseServerAddress('127.0.0.1:0'), undefined);
    assert.equal(parseServerAddress('127.0.0.1:65536'), undefined);
    assert.equal(parseServerAddress('[127.0.0.1]:53'), undefined);
    assert.equal(parseServerAddress('::1:53:'), undefined);
    assert.equal(parseServerAddress('resolver.example'), undefined);
  });

  it('ignores packets with a wrong ID or question, then takes the right one', async () => {
    const s = await fakeServer((q, reply) => {
      reply({ ...answer(q, {}), id: (q.id! + 1) & 0xffff, answers: [{ type: 'A', name: q.questions![0].name, ttl: 5, data: '192.0.2.66' }] });
      reply(answer(q, { questions: [{ type: 'A', name: 'other.example.test' }], answers: [{ type: 'A', name: 'other.example.test', ttl: 5, data: '192.0.2.67' }] }));
      reply(answer(q, { answers: [{ type: 'A', name: q.questions![0].name, ttl: 5, data: '192.0.2.1' }] }));
    });
    servers.push(s);
    const r = await new LiveResolver({ servers: [s.address], timeoutMs: 2000 }).resolve('host.example.test', 'A');
    assert.equal(r.kind, 'records');
    assert.deepEqual(r.kind === 'records' && r.records.map((x) => x.data), ['192.0.2.1']);
  });

  it('maps SERVFAIL, REFUSED and garbage to unknown with the reason', async () => {
    const s = await fakeServer((q, reply) => {
      const name = q.questions![0].name;
      if (name.startsWith('servfail')) reply(answer(q, { flags: 2 }));
      else if (name.startsWith('refused')) reply(answer(q, { flags: 5 }));
      else {
        const junk = Buffer.alloc(14, 0xff);
        junk.writeUInt16BE(q.id!, 0);
        reply(junk);
      }
    });
    servers.push(s);
    const res = new LiveResolver({ servers: [s.address], timeoutMs: 2000 });
    const reason = async (n: string) => {
      const r = await res.resolve(n, 'A');
      return r.kind === 'unknown' ? r.reason : r.kind;
    };
    assert.equal(await reason('servfail.example.test'), 'servfail');
    assert.equal(await reason('refused.example.test'), 'refused');
    assert.equal(await reason('garbage.example.test'), 'malformed');
  });

  it('NXDOMAIN vs NODATA with the negative TTL from the SOA (RFC 2308)', async () => {
    const s = await fakeServer((q, reply) => {
      const nx = q.questions![0].name.startsWith('nx');
      reply(answer(q, { flags: dnsPacket.AUTHORITATIVE_ANSWER | (nx ? 3 : 0), authorities: [soa] }));
    });
    servers.push(s);
    const res = new LiveResolver({ servers: [s.address] });
    const nx = await res.resolve('nx.example.test', 'A');
    assert.equal(nx.kind, 'nxdomain');
    assert.equal(nx.kind === 'nxdomain' && nx.ttl, 60);
    assert.equal((await res.resolve('there.example.test', 'AAAA')).kind, 'nodata');
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const long = 'x'.repeat(250);
    const s = await fakeServer(
      (q, reply) => reply(answer(q, { flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.TRUNCATED_RESPONSE })),
      (q, reply) => reply(answer(q, { answers: [{ type: 'TXT', name: q.questions![0].name, ttl: 30, data: [long, long, long, long, long, long] }] })),
    );
    servers.push(s);
    const r = await new LiveResolver({ servers: [s.address] }).resolve('big.example.test', 'TXT');
    assert.equal(r.kind, 'records');
    assert.equal(r.kind === 'records' && (r.records[0].data as string[]).join('').length, 1500);
    assert.deepEqual(s.queries, ['udp big.example.test TXT', 'tcp big.example.test TXT']);
  });

  it('a server that never answers: unknown(timeout) within the configured time, one retry', async () => {
    const mute = dgram.createSocket('udp4');
    let received = 0;
    mute.on('message', () => received++);
    await new Promise<void>((r) => mute.bind(0, '127.0.0.1', r));
    try {
      const view = createDnsView({ mode: 'live', zones: new ZoneSet(), resolvers: [`127.0.0.1:${mute.address().port}`], timeoutMs: 400 });
      const start = Date.now();
      const a = await view.query('mute.example.test', 'A');
      const elapsed = Date.now() - start;
      assert.equal(a.status === 'unknown' && a.reason, 'timeout');
      assert.ok(elapsed < 400 + 600, `took ${elapsed} ms`);
      assert.equal(received, 2);
    } finally {
      mute.close();
    }
  });

  it('deduplicates questions in flight and limits concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await fakeServer((q, reply) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        reply(answer(q, { answers: [{ type: 'A', name: q.questions![0].name, ttl: 5, data: '192.0.2.1' }] }));
      }, 30);
    });
    servers.push(s);
    const res = new LiveResolver({ servers: [s.address], concurrency: 2, timeoutMs: 3000 });
    const names = ['a', 'b', 'c', 'd', 'e'].map((n) => `${n}.example.test`);
    const all = await Promise.all([...names, ...names].map((n) => res.resolve(n, 'A')));
    assert.ok(all.every((r) => r.kind === 'records'));
    assert.equal(res.sent, 5);
    assert.ok(peak <= 2, `peak ${peak}`);
  });

  it('cancellation: a caller that aborts gets unknown(cancelled); others sharing the query still get the answer', async () => {
    const s = await fakeServer((q, reply) =>
      setTimeout(() => reply(answer(q, { answers: [{ type: 'A', name: q.questions![0].name, ttl: 5, data: '192.0.2.1' }] })), 100),
    );
    servers.push(s);
    const res = new LiveResolver({ servers: [s.address], timeoutMs: 3000 });
    const ac = new AbortController();
    const p1 = res.resolve('slow.example.test', 'A', ac.signal);
    const p2 = res.resolve('slow.example.test', 'A');
    ac.abort();
    const [r1, r2] = await Promise.all([p1, p2]);
    assert.equal(r1.kind === 'unknown' && r1.reason, 'cancelled');
    assert.equal(r2.kind, 'records');
    const ac2 = new AbortController();
    const p3 = res.resolve('slow2.example.test', 'A', ac2.signal);
    setTimeout(() => ac2.abort(), 10);
    const r3 = await p3;
    assert.equal(r3.kind === 'unknown' && r3.reason, 'cancelled');
  });

  it('follows a CNAME the server leaves unfinished, through the view', async () => {
    const s = await fakeServer((q, reply) => {
      const name = q.questions![0].name;
      if (name === 'alias.example.test') reply(answer(q, { answers: [{ type: 'CNAME', name, ttl: 50, data: 'target.example.test' }] }));
      else reply(answer(q, { answers: [{ type: 'AAAA', name, ttl: 40, data: '2001:db8::7' }] }));
    });
    servers.push(s);
    const view = createDnsView({ mode: 'live', zones: new ZoneSet(), resolvers: [s.address] });
    const a = await view.query('alias.example.test', 'AAAA');
    assert.equal(a.status, 'records');
    assert.deepEqual(a.chain.map((r) => r.data), ['target.example.test']);
    assert.equal(a.status === 'records' && a.source.kind, 'live');
    // The second time comes from the (in-memory) cache.
    const b = await view.query('alias.example.test', 'AAAA');
    assert.equal(b.status === 'records' && b.source.kind, 'cache');
    assert.equal(s.queries.length, 2);
  });

  it('no resolver configured: unknown(offline)', async () => {
    const r = await new LiveResolver({ servers: ['not-an-address'] }).resolve('x.example.test', 'A');
    assert.equal(r.kind === 'unknown' && r.reason, 'offline');
  });
});
