/**
 * `dns snapshot`: runs the analysis with a view that records every answer the rules asked
 * for, then writes them as a zone file. Answers that came from the repository's own zone
 * files are left out (they are already committed); the snapshot file itself is not read as
 * a zone, so a refresh asks the cache or the resolvers again.
 */
import { resolve } from 'node:path';
import { writeSnapshot as zoneText } from '../dns';
import type { DnsAnswer } from '../dns/types';
import { toSlash } from '../engine/collect';
import { analyze } from '../engine/engine';
import { openWorkspace } from '../engine/setup';
import type { SnapshotOptions } from './options';

export async function snapshotText(opts: SnapshotOptions, progress: boolean): Promise<{ text: string; answers: number }> {
  const answers = new Map<string, DnsAnswer>();
  const outPath = toSlash(resolve(opts.out));
  const ws = await openWorkspace(
    { ...opts, zones: opts.zones.filter((z) => toSlash(resolve(z)) !== outPath), excludeZone: outPath },
    { progress, onAnswer: (a) => answers.set(`${a.name} ${a.type}`, a) },
  );
  try {
    await analyze(ws.files, ws.analyzeOptions);
  } finally {
    await ws.close();
  }
  const kept = [...answers.values()].filter((a) => a.status === 'unknown' || a.source.kind !== 'zone');
  const text = zoneText(kept, {
    comment: [`infra-review dns snapshot (DNS mode ${opts.dns}): the answers the review of ${opts.paths.join(' ')} needed.`, 'Refresh when DNS or the hosts change: infra-review dns snapshot ... --out FILE'],
  });
  return { text, answers: kept.length };
}
