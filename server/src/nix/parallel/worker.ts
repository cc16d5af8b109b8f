/**
 * A worker of the parallel Nix analyzer: parses its share of the files and reports their
 * import facts, then builds the hosts it is given. Files outside its share (shared modules a
 * host imports) are parsed when a host first needs them.
 */
import { parentPort } from 'node:worker_threads';
import type { SourceFile } from '../../core/source';
import { buildHost, buildOrphanInstance } from '../host-build';
import { WorkspaceImports } from '../host-plan';
import { Workspace } from '../hosts';
import { initNixParser, parseNixSync, summarize, type ParsedNix } from '../parse';
import { fileFacts } from './facts';
import type { FromWorker, ToWorker } from './protocol';

class ParsedOnDemand {
  private readonly trees = new Map<string, ParsedNix>();
  constructor(readonly sources: ReadonlyMap<string, SourceFile>) {}
  has(file: string): boolean {
    return this.sources.has(file);
  }
  get(file: string): ParsedNix | undefined {
    let p = this.trees.get(file);
    if (!p) {
      const source = this.sources.get(file);
      if (!source) return undefined;
      this.trees.set(file, (p = parseNixSync(source)));
    }
    return p;
  }
}

let state: { parsed: ParsedOnDemand; imports: WorkspaceImports } | undefined;

function handle(msg: ToWorker): FromWorker {
  if (msg.kind === 'parse') {
    const sources = new Map<string, SourceFile>(msg.files.map((f) => [f.path, { path: f.path, kind: 'nix', text: f.text }]));
    const parsed = new ParsedOnDemand(sources);
    const paths = msg.files.map((f) => f.path);
    state = { parsed, imports: new WorkspaceImports(new Workspace(parsed), parsed, paths) };
    const imports = state.imports;
    return { kind: 'facts', facts: msg.shard.map((index) => ({ index, facts: fileFacts(imports, paths[index], summarize(parsed.get(paths[index])!)) })) };
  }
  if (!state) throw new Error('build before parse');
  const { parsed, imports } = state;
  return {
    kind: 'built',
    hosts: msg.hosts.map(({ index, task }) => ({ index, built: buildHost(imports.ws, parsed.sources, { ...task, graph: imports.graphOf(task) }) })),
    orphans: msg.orphans.map(({ index, file, id }) => ({ index, instance: buildOrphanInstance(imports.ws, parsed.sources, file, id) })),
  };
}

const port = parentPort;
if (port) {
  // The grammar loads while the main thread is still reading files.
  const ready = initNixParser();
  port.on('message', async (msg: ToWorker) => {
    try {
      await ready;
      port.postMessage(handle(msg));
    } catch (e) {
      // Includes results that cannot be cloned: the main thread falls back to analysing in process.
      port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
  });
}
