/**
 * Opens the DNS view for a workspace: zone files (already read by the engine, so editor
 * buffers work too), the persistent cache in `cacheDir`, and the resolvers for mode live.
 */
import type { SourceFile } from '../core/source';
import { cachePathIn, createDnsView, DnsCache, loadZoneText, ZoneSet } from '../dns';
import type { DnsAnswer, DnsMode } from '../dns/types';
import type { ManagedDnsView } from '../dns/view';

export interface DnsSetup {
  readonly mode: DnsMode;
  readonly zoneFiles: readonly SourceFile[];
  readonly resolvers: readonly string[];
  readonly cacheDir: string;
  readonly timeoutMs?: number;
  /** Sees every answer the view gives (dns snapshot records them). */
  readonly onAnswer?: (answer: DnsAnswer) => void;
  readonly log?: (message: string) => void;
}

export async function openDnsView(setup: DnsSetup): Promise<{ view: ManagedDnsView; close(): Promise<void> }> {
  const zones = new ZoneSet();
  for (const f of setup.zoneFiles) {
    // Parse errors are findings (dns-zone-syntax), not log lines.
    zones.replace(loadZoneText(f.path, f.text));
  }
  // Mode off never touches the cache file: it is the "nothing but the repository" mode.
  const cache = setup.mode === 'off' ? new DnsCache() : await DnsCache.load(cachePathIn(setup.cacheDir));
  if (cache.discarded) setup.log?.(`DNS cache ${cachePathIn(setup.cacheDir)} discarded: ${cache.discarded}`);
  const view = createDnsView({
    mode: setup.mode,
    zones,
    cache,
    resolvers: setup.resolvers.length ? setup.resolvers : undefined,
    timeoutMs: setup.timeoutMs,
    onAnswer: setup.onAnswer,
  });
  return {
    view,
    close: async () => {
      if (setup.mode === 'live') {
        try {
          await view.save();
        } catch (e) {
          setup.log?.(`could not write the DNS cache: ${(e as Error).message}`);
        }
      }
    },
  };
}
