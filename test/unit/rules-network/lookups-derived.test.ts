// Lookups.derived: a value rules derive from DNS answers is computed once per analysis
// (model × view), table and key, and shared by every rule and item that asks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DnsView } from '../../../server/src/dns/types';
import type { InfraModel } from '../../../server/src/model/types';
import { lookups } from '../../../server/src/rules/support/dns';

function model(): InfraModel {
  return { root: '/w', files: [], hosts: [], postfix: [], compose: [] } as unknown as InfraModel;
}
const view = { mode: 'off' } as unknown as DnsView;

test('derived values: once per analysis, table and key; shared across lookups of one analysis', async () => {
  const m = model();
  const tableA = {};
  const tableB = {};
  let runs = 0;
  const run = async () => ({ n: ++runs });
  const first = await lookups(m, view).derived(tableA, 'smtp.relay.example', run);
  // Another rule's Lookups over the same model and view, and a slice of the model, share it.
  assert.equal(await lookups(m, view).derived(tableA, 'smtp.relay.example', run), first);
  const slice = { ...m, whole: m } as InfraModel;
  assert.equal(await lookups(slice, view).derived(tableA, 'smtp.relay.example', run), first);
  assert.equal(runs, 1);
  // Another key, another table, another analysis: computed anew.
  assert.notEqual(await lookups(m, view).derived(tableA, 'other.example', run), first);
  assert.notEqual(await lookups(m, view).derived(tableB, 'smtp.relay.example', run), first);
  assert.notEqual(await lookups(model(), view).derived(tableA, 'smtp.relay.example', run), first);
  assert.equal(runs, 4);
});

test('a derived value that fails rejects every caller with its error', async () => {
  const m = model();
  const table = {};
  let runs = 0;
  const run = async () => {
    runs++;
    throw new Error('broken');
  };
  await assert.rejects(lookups(m, view).derived(table, 'x.example', run), /broken/);
  await assert.rejects(lookups(m, view).derived(table, 'x.example', run), /broken/);
  assert.equal(runs, 1);
});
