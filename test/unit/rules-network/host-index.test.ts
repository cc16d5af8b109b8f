// hostById / hostOfInstance answer from a per-model index; they must give what the scans
// they replace gave (the first matching host), also for duplicate ids and cross matches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Host, InfraModel, PostfixInstance } from '../../../server/src/model/types';
import { hostById, hostOfInstance } from '../../../server/src/rules/support/hosts';

test('host index gives the first host that the scans found', () => {
  const h = (id: string, postfix?: string) => ({ id, postfix }) as unknown as Host;
  const hosts = [h('a', 'p1'), h('b'), h('a', 'p2'), h('c', 'p3'), h('d', 'p1'), h('p3', 'p4')];
  const model = { hosts } as unknown as InfraModel;
  const ids = ['a', 'b', 'c', 'd', 'p3', 'x', undefined];
  for (const id of ids) assert.equal(hostById(model, id), hosts.find((x) => x.id === id), String(id));
  for (const host of ids) {
    for (const id of ['p1', 'p2', 'p3', 'p4', 'px']) {
      const instance = { id, host } as unknown as PostfixInstance;
      assert.equal(hostOfInstance(model, instance), hosts.find((x) => x.id === instance.host || x.postfix === instance.id), `${host} ${id}`);
    }
  }
  // Another model (the language server analyses each edit anew) has its own index.
  const other = { hosts: [h('b', 'p9')] } as unknown as InfraModel;
  assert.equal(hostById(other, 'a'), undefined);
  assert.equal(hostOfInstance(other, { id: 'p9' } as unknown as PostfixInstance)?.id, 'b');
});
