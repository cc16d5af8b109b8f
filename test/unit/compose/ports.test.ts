import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseShortPort } from '../../../server/src/compose/ports';

test('container port only, host:container, ip:host:container', () => {
  assert.deepEqual(parseShortPort('25'), { hostIp: undefined, containerPort: '25', protocol: 'tcp' });
  assert.deepEqual(parseShortPort('2525:25'), { hostIp: undefined, hostPort: '2525', containerPort: '25', protocol: 'tcp' });
  assert.deepEqual(parseShortPort('127.0.0.1:25:25'), { hostIp: '127.0.0.1', hostPort: '25', containerPort: '25', protocol: 'tcp' });
  assert.deepEqual(parseShortPort('0.0.0.0:25:25')?.hostIp, '0.0.0.0');
});

test('bracketed IPv6 host addresses', () => {
  assert.deepEqual(parseShortPort('[::1]:25:25'), { hostIp: '::1', hostPort: '25', containerPort: '25', protocol: 'tcp' });
  assert.deepEqual(parseShortPort('[2001:db8::25]:587:587/tcp')?.hostIp, '2001:db8::25');
  assert.equal(parseShortPort('[::1]:25:25')?.unbracketedIpv6, undefined);
});

test('unbracketed IPv6 host addresses are recovered and flagged', () => {
  const p = parseShortPort('::1:25:25');
  assert.equal(p?.hostIp, '::1');
  assert.equal(p?.hostPort, '25');
  assert.equal(p?.containerPort, '25');
  assert.deepEqual(p?.unbracketedIpv6, { address: '::1' });
  assert.deepEqual(parseShortPort('2001:db8::25:465:465')?.unbracketedIpv6, { address: '2001:db8::25' });
});

test('ranges and protocols', () => {
  assert.deepEqual(parseShortPort('8000-8010:8000-8010'), { hostIp: undefined, hostPort: '8000-8010', containerPort: '8000-8010', protocol: 'tcp' });
  assert.equal(parseShortPort('53:53/udp')?.protocol, 'udp');
  assert.equal(parseShortPort('5000/sctp')?.protocol, 'sctp');
  assert.equal(parseShortPort('25/bogus'), undefined);
});

test('empty host address means every address', () => {
  assert.deepEqual(parseShortPort(':443:443'), { hostIp: undefined, hostPort: '443', containerPort: '443', protocol: 'tcp' });
});

test('unknown parts: host address null, ports shown as written', () => {
  const p = parseShortPort('\u00000\u0000:25:25', (s) => s.replace('\u00000\u0000', '${X}'));
  assert.equal(p?.hostIp, null);
  assert.equal(p?.containerPort, '25');
  const q = parseShortPort('\u00000\u0000:3306', (s) => s.replace('\u00000\u0000', '${X}'));
  assert.equal(q?.hostPort, "${X}");
  assert.equal(q?.hostIp, null, "the variable may hold ip:port");
});

test('not a port', () => {
  assert.equal(parseShortPort(''), undefined);
  assert.equal(parseShortPort('[::1:25:25'), undefined);
});
