/**
 * Edits measured at the engine, in process: the incremental engine (the editor's path once the
 * language server adopts it) after a one-character change, with Nix re-parsed incrementally as
 * the server does. Also counts how many hosts each edit re-analysed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Edit } from 'web-tree-sitter';
import type { SourceFile } from '../server/src/core/source';
import { IncrementalEngine } from '../server/src/engine/incremental';
import { openWorkspace } from '../server/src/engine/setup';
import { initNixParser, parseNixSync } from '../server/src/nix/parse';
import type { FleetLayout } from './fleet';

export interface EngineEditResult {
  readonly firstMs: number;
  readonly module: number[];
  readonly mainCf: number[];
  readonly shared: number[];
  /** Hosts re-analysed (built anew) per edit of the 2,000-line module (max over the edits). */
  readonly hostsPerModuleEdit: number;
  readonly hostsImportingModule: number;
  readonly hostsPerSharedEdit: number;
  readonly hostsImportingShared: number;
  readonly hostsPerMainCfEdit: number;
  /** Of those, hosts whose rules ran (max over the edits): a host rebuilt to the same facts keeps its findings. */
  readonly rulesHostsPerModuleEdit: number;
  readonly rulesHostsPerSharedEdit: number;
  readonly rulesHostsPerMainCfEdit: number;
  readonly hosts: number;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  const before = text.slice(0, index);
  const row = before.split('\n').length - 1;
  return { row, column: index - (before.lastIndexOf('\n') + 1) };
}

export async function editBench(fleet: FleetLayout, count: number): Promise<EngineEditResult> {
  await initNixParser();
  const ws = await openWorkspace({ paths: [fleet.root], zones: [], dns: 'off', resolvers: [], rules: new Map() }, { progress: false });
  const files = new Map(ws.files.map((f) => [f.path, f] as const));
  const engine = new IncrementalEngine();
  const t0 = performance.now();
  const first = await engine.analyze([...files.values()], ws.analyzeOptions, 'dns');
  const firstMs = performance.now() - t0;
  const importing = (path: string) => first.model.hosts.filter((h) => h.files.includes(path)).length;

  const run = async (rel: string, pattern: RegExp, n: number): Promise<{ times: number[]; hosts: number; rulesHosts: number }> => {
    const path = join(fleet.root, rel);
    let text = readFileSync(path, 'utf8');
    const spots: number[] = [];
    for (const m of text.matchAll(new RegExp(pattern.source, 'g'))) spots.push(m.index! + m[0].length - 1);
    const times: number[] = [];
    let hosts = 0;
    let rulesHosts = 0;
    for (let k = 0; k < n; k++) {
      const at = spots[(k * 7919) % spots.length];
      const next = text[at] === '1' ? '2' : '1';
      const prev = files.get(path)!;
      const newText = text.slice(0, at) + next + text.slice(at + 1);
      const t = performance.now();
      const file: SourceFile = { ...prev, text: newText, version: (prev.version ?? 0) + 1 };
      if (file.kind === 'nix') {
        const start = pointAt(text, at);
        const edit = { startIndex: at, oldEndIndex: at + 1, newEndIndex: at + 1, startPosition: start, oldEndPosition: { row: start.row, column: start.column + 1 }, newEndPosition: { row: start.row, column: start.column + 1 } } as Edit;
        parseNixSync(file, { tree: parseNixSync(prev).tree, edit });
      }
      files.set(path, file);
      const r = await engine.analyze([...files.values()], ws.analyzeOptions, 'dns');
      times.push(performance.now() - t);
      hosts = Math.max(hosts, r.stats.hostsRebuilt);
      rulesHosts = Math.max(rulesHosts, r.stats.hostsRun);
      text = newText;
    }
    return { times, hosts, rulesHosts };
  };
  const module = await run(fleet.bigModule!, /proxyPass = "http:\/\/127\.0\.0\.1:\d+/, count);
  const mainCf = await run(fleet.bigMainCf!, /_limit = \d+/, count);
  const shared = await run(fleet.commonModule, /port = \d+/, Math.max(10, count / 10));
  await ws.close();
  return {
    firstMs,
    module: module.times,
    mainCf: mainCf.times,
    shared: shared.times,
    hostsPerModuleEdit: module.hosts,
    hostsImportingModule: importing(join(fleet.root, fleet.bigModule!)),
    hostsPerSharedEdit: shared.hosts,
    hostsImportingShared: importing(join(fleet.root, fleet.commonModule)),
    hostsPerMainCfEdit: mainCf.hosts,
    rulesHostsPerModuleEdit: module.rulesHosts,
    rulesHostsPerSharedEdit: shared.rulesHosts,
    rulesHostsPerMainCfEdit: mainCf.rulesHosts,
    hosts: first.model.hosts.length,
  };
}
