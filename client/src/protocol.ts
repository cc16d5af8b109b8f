/** Mirrors server/src/lsp/protocol.ts (the client must not import server code). */
export const ANALYSIS_DONE = 'infraReview/analysisDone';
export const STATUS = 'infraReview/status';
export const REFRESH_DNS = 'infraReview/refreshDns';
export const WRITE_SNAPSHOT = 'infraReview/writeDnsSnapshot';

export interface StatusParams {
  readonly configuredMode: 'live' | 'cache' | 'off';
  readonly mode: 'live' | 'cache' | 'off';
  readonly trusted: boolean;
  readonly cacheAgeMs: number | null;
  readonly analysing: boolean;
  readonly firstAnalysis: boolean;
  readonly dnsPending: number;
  readonly files: number;
  readonly zoneFiles: number;
}

export interface RefreshDnsResult {
  readonly started: boolean;
  readonly message: string;
}

export interface WriteSnapshotResult {
  readonly written: boolean;
  readonly message: string;
}
