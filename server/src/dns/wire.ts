/**
 * A decoder for the responses the client usually gets: header, question, and answer/authority
 * records of the types the view models, in dns-packet's shape. dns-packet builds an object
 * per field of every record (additionals and OPT included), which made decoding the largest
 * JavaScript cost per answer on a fast network. Anything this decoder does not fully
 * understand (another type, a bad length, an odd label, an unknown rcode) returns undefined
 * and the caller decodes with dns-packet as before, so malformed input is judged as it was.
 */
import type { DecodedResponse } from './client';

const TYPES: Readonly<Record<number, string>> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA' };
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** Thrown (one shared instance: no stack capture per packet) when this decoder does not handle the packet. */
const UNSUPPORTED = new Error('not handled by the fast decoder');

/** Label bytes that dns-packet returns unchanged: letters, digits, '-', '_', '*'. */
function plainByte(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2a;
}

interface Cursor {
  o: number;
  /** The question's name once read (at offset 12), unless the root. */
  q?: string;
}

/** A name's labels copied with dots between, then read as one string (one native call per name, not per label). */
const scratch = Buffer.allocUnsafe(256);

function readName(buf: Buffer, at: Cursor): string {
  let o = at.o;
  let end = -1;
  let jumps = 0;
  let n = 0; // text length so far, in scratch
  for (;;) {
    if (o >= buf.length) throw UNSUPPORTED;
    const len = buf[o];
    if (len === 0) {
      o++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (o + 1 >= buf.length || ++jumps > 32) throw UNSUPPORTED;
      if (end < 0) end = o + 2;
      o = ((len & 0x3f) << 8) | buf[o + 1];
      // Names in answers usually point at the question's name or one of its ancestors: the
      // label at offset 12 + k starts at k in the question's text too, so the rest of the name
      // is that text from k (what reading those labels again would give).
      const q = at.q;
      const k = o - 12;
      if (q !== undefined && k >= 0 && k < q.length && (k === 0 || q.charCodeAt(k - 1) === 0x2e)) {
        const rest = k === 0 ? q : q.slice(k);
        const out = n === 0 ? rest : `${scratch.toString('latin1', 0, n)}.${rest}`;
        if (out.length > 253) throw UNSUPPORTED;
        at.o = end;
        return out;
      }
      continue;
    }
    if (len & 0xc0 || o + 1 + len > buf.length) throw UNSUPPORTED;
    if (n + (n ? 1 : 0) + len > 253) throw UNSUPPORTED;
    if (n) scratch[n++] = 0x2e;
    for (let i = o + 1; i <= o + len; i++) {
      const c = buf[i];
      if (!plainByte(c)) throw UNSUPPORTED;
      scratch[n++] = c;
    }
    o += 1 + len;
  }
  at.o = end < 0 ? o : end;
  return n === 0 ? '.' : scratch.toString('latin1', 0, n);
}

function readRecord(buf: Buffer, at: Cursor, section: 'answer' | 'additional'): Record<string, unknown> | undefined {
  const name = readName(buf, at);
  const o = at.o;
  if (o + 10 > buf.length) throw UNSUPPORTED;
  const code = buf.readUInt16BE(o);
  const klass = buf.readUInt16BE(o + 2);
  const ttl = buf.readUInt32BE(o + 4);
  const rdlen = buf.readUInt16BE(o + 8);
  const start = o + 10;
  const end = start + rdlen;
  if (end > buf.length) throw UNSUPPORTED;
  at.o = end;
  if (section === 'additional') {
    // Only what our queries get back: the OPT record without options, or glue addresses.
    if (code === 41 && rdlen === 0 && name === '.') return undefined;
    if ((code === 1 && rdlen === 4) || (code === 28 && rdlen === 16)) return undefined;
    throw UNSUPPORTED;
  }
  const type = TYPES[code];
  if (!type || klass !== 1) throw UNSUPPORTED;
  const inner: Cursor = { o: start, q: at.q };
  let data: unknown;
  switch (type) {
    case 'A':
      if (rdlen !== 4) throw UNSUPPORTED;
      data = `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}`;
      break;
    case 'AAAA': {
      if (rdlen !== 16) throw UNSUPPORTED;
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(start + i).toString(16));
      // Uncompressed; the resolver formats it to RFC 5952.
      data = groups.join(':');
      break;
    }
    case 'CNAME':
    case 'PTR':
    case 'NS':
      data = readName(buf, inner);
      break;
    case 'MX': {
      if (rdlen < 3) throw UNSUPPORTED;
      const preference = buf.readUInt16BE(start);
      inner.o = start + 2;
      data = { preference, exchange: readName(buf, inner) };
      break;
    }
    case 'TXT': {
      const parts: Buffer[] = [];
      let p = start;
      while (p < end) {
        const n = buf[p];
        if (p + 1 + n > end) throw UNSUPPORTED;
        parts.push(buf.subarray(p + 1, p + 1 + n));
        p += 1 + n;
      }
      inner.o = end;
      data = parts;
      break;
    }
    case 'SOA': {
      const mname = readName(buf, inner);
      const rname = readName(buf, inner);
      if (inner.o + 20 > buf.length) throw UNSUPPORTED;
      const q = inner.o;
      data = { mname, rname, serial: buf.readUInt32BE(q), refresh: buf.readUInt32BE(q + 4), retry: buf.readUInt32BE(q + 8), expire: buf.readUInt32BE(q + 12), minimum: buf.readUInt32BE(q + 16) };
      inner.o = q + 20;
      break;
    }
  }
  // The rdata must be exactly what was read (names inside may point elsewhere, not run over).
  if (type !== 'A' && type !== 'AAAA' && inner.o !== end) throw UNSUPPORTED;
  return { name, type, class: 'IN', ttl, flush: false, data };
}

/** The response in dns-packet's shape (the fields the client and resolver read), or undefined. */
export function decodeResponse(buf: Buffer): DecodedResponse | undefined {
  try {
    if (buf.length < 12) return undefined;
    const flags = buf.readUInt16BE(2);
    const rcode = RCODES[flags & 0xf];
    if (!rcode || flags & 0x7800) return undefined; // another opcode
    const qd = buf.readUInt16BE(4);
    const an = buf.readUInt16BE(6);
    const ns = buf.readUInt16BE(8);
    const ar = buf.readUInt16BE(10);
    if (qd !== 1) return undefined;
    const at: Cursor = { o: 12, q: undefined };
    const qname = readName(buf, at);
    // Reused only when written out in full (no pointer), so reuse reads exactly what it replaces.
    if (qname !== '.' && at.o === 12 + qname.length + 2) at.q = qname;
    if (at.o + 4 > buf.length) return undefined;
    const qtype = TYPES[buf.readUInt16BE(at.o)];
    if (!qtype || buf.readUInt16BE(at.o + 2) !== 1) return undefined;
    at.o += 4;
    const answers: Record<string, unknown>[] = [];
    for (let i = 0; i < an; i++) answers.push(readRecord(buf, at, 'answer')!);
    const authorities: Record<string, unknown>[] = [];
    for (let i = 0; i < ns; i++) authorities.push(readRecord(buf, at, 'answer')!);
    for (let i = 0; i < ar; i++) readRecord(buf, at, 'additional');
    return {
      id: buf.readUInt16BE(0),
      type: flags & 0x8000 ? 'response' : 'query',
      flags: flags & 0x7fff,
      flag_qr: !!(flags & 0x8000),
      flag_aa: !!(flags & 0x400),
      flag_tc: !!(flags & 0x200),
      flag_rd: !!(flags & 0x100),
      flag_ra: !!(flags & 0x80),
      flag_z: !!(flags & 0x40),
      flag_ad: !!(flags & 0x20),
      flag_cd: !!(flags & 0x10),
      rcode,
      questions: [{ name: qname, type: qtype, class: 'IN' }],
      answers,
      authorities,
      additionals: [],
    } as unknown as DecodedResponse;
  } catch {
    // UNSUPPORTED, or anything unforeseen: dns-packet decides, as it did before.
    return undefined;
  }
}
