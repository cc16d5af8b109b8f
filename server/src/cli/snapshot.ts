/**
 * `dns snapshot`: runs the analysis with a view that records every answer the rules asked
 * for, then writes them as a zone file. Answers that came from the repository's own zone
 * files are left out (they are already committed); the snapshot file itself is not read as
 * a zone, so a refresh asks the resolvers (--dns live) or the cache (--dns cache) again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSnapshot as zoneText } from '../dns';
import type { DnsAnswer } from '../dns/types';
import { toSlash } from '../engine/collect';
import { analyze } from '../engine/engine';
import type { Progress } from '../engine/progress';
import { openWorkspace } from '../engine/setup';
import type { SnapshotOptions } from './options';

/** The header date: SOURCE_DATE_EPOCH (reproducible-builds convention) when set, else now. */
export function snapshotDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch.trim()) * 1000);
  return new Date();
}

export async function snapshotText(opts: SnapshotOptions, progress?: Progress): Promise<{ text: string; answers: number; unknown: number }> {
  const answers = new Map<string, DnsAnswer>();
  const outPath = toSlash(resolve(opts.out));
  // With --dns live a snapshot records what DNS says now: it starts from an empty cache, so
  // answers cached before a DNS change (fresh for their TTL) cannot leak into it.
  const scratch = opts.dns === 'live' ? mkdtempSync(join(tmpdir(), 'infra-review-snapshot-')) : undefined;
  try {
    const ws = await openWorkspace(
      { ...opts, ...(scratch ? { cacheDir: scratch } : {}), zones: opts.zones.filter((z) => toSlash(resolve(z)) !== outPath), excludeZone: outPath },
      { progress, onAnswer: (a) => answers.set(`${a.name} ${a.type}`, a) },
    );
    try {
      await analyze(ws.files, ws.analyzeOptions);
    } finally {
      await ws.close();
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  const kept = [...answers.values()].filter((a) => a.status === 'unknown' || a.source.kind !== 'zone');
  const text = zoneText(kept, {
    generatedAt: snapshotDate(),
    comment: [`infra-review dns snapshot (DNS mode ${opts.dns}): the answers the review of ${opts.paths.join(' ')} needed.`, 'Refresh when DNS or the hosts change: infra-review dns snapshot ... --out FILE'],
  });
  return { text, answers: kept.length, unknown: kept.filter((a) => a.status === 'unknown').length };
}
