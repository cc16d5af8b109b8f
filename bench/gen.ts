/** `node out/bench/gen.js --hosts N [--seed S] [--big] --out DIR`: writes a synthetic fleet. */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { writeFleet } from './fleet';

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '100' }, seed: { type: 'string', default: '1' }, big: { type: 'boolean', default: false }, out: { type: 'string' } },
});
if (!values.out) {
  process.stderr.write('usage: gen --hosts N [--seed S] [--big] --out DIR\n');
  process.exit(2);
}
const layout = writeFleet(resolve(values.out), { hosts: Number(values.hosts), seed: Number(values.seed), bigFiles: values.big });
process.stdout.write(`${layout.files.size} files, ${layout.hostNames.length} hosts in ${layout.root}\n`);
