import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Address6 } from 'ip-address';
import { formatIpv6Groups } from '../../server/src/core/ipv6-text';

test('formatIpv6Groups gives the RFC 5952 text ip-address gives', () => {
  const cases = ['2001:db8::25', '::1', '::', 'fe80::1', '2001:db8:0:0:1:0:0:1', '2001:0:0:1::1', 'fd12:3456:789a::', '2001:db8:1:2:3:4:5:6', '0:0:1::'];
  for (const text of cases) {
    const a = new Address6(text);
    const groups = a.canonicalForm().split(':').map((g: string) => parseInt(g, 16));
    assert.equal(formatIpv6Groups(groups), a.correctForm(), text);
  }
});
