/** Opens the DNS view for a workspace. (Interim: answers unknown until server/src/dns lands.) */
import type { SourceFile } from '../core/source';
import type { DnsAnswer, DnsMode, DnsView, RRType } from '../dns/types';

export interface DnsSetup {
  readonly mode: DnsMode;
  readonly zoneFiles: readonly SourceFile[];
  readonly resolvers: readonly string[];
  readonly cacheDir: string;
  readonly timeoutMs?: number;
}

export async function openDnsView(setup: DnsSetup): Promise<{ view: DnsView; close(): Promise<void> }> {
  const unknownAnswer = (name: string, type: RRType): DnsAnswer => ({ status: 'unknown', name, type, reason: 'disabled' });
  const view: DnsView = {
    mode: setup.mode,
    query: async (name, type) => unknownAnswer(name, type),
    reverse: async (address) => ({ address, ptr: unknownAnswer(address, 'PTR'), confirmed: 'unknown', names: [] }),
    spf: async (ip, domain) => ({ verdict: 'temperror', ip, domain, chain: [], records: [] }),
  };
  return { view, close: async () => {} };
}
