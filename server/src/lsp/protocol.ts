/**
 * The server's own protocol additions. Constants and types only, with no imports: the
 * VS Code client imports this module too (client/src/protocol.ts).
 */

/** Server → client after every analysis that was published (tests wait for it, never sleep). */
export const ANALYSIS_DONE = 'infraReview/analysisDone';
export interface AnalysisDoneParams {
  /** Increases with every published analysis. */
  readonly count: number;
  /** Document versions the published diagnostics were computed from (uri → version). */
  readonly versions: Record<string, number>;
  readonly findings: number;
  readonly files: number;
  /** DNS look-ups still under way; another analysis follows when they complete. */
  readonly dnsPending: number;
  readonly reason: string;
}

/** Server → client whenever something the status bar shows changes. */
export const STATUS = 'infraReview/status';
export interface StatusParams {
  /** The mode the user configured. */
  readonly configuredMode: 'live' | 'cache' | 'off';
  /** The mode in effect (lower than configured in an untrusted workspace). */
  readonly mode: 'live' | 'cache' | 'off';
  readonly trusted: boolean;
  /** Age in ms of the oldest cached DNS answer the last analysis used; null when none. */
  readonly cacheAgeMs: number | null;
  readonly analysing: boolean;
  /** True until the first analysis of the workspace has been published. */
  readonly firstAnalysis: boolean;
  readonly dnsPending: number;
  readonly files: number;
  readonly zoneFiles: number;
}

/** Client → server: forget every DNS answer from cache/live and resolve again. */
export const REFRESH_DNS = 'infraReview/refreshDns';
export interface RefreshDnsResult {
  readonly started: boolean;
  readonly message: string;
}

/** Client → server: write the zone-file snapshot of every answer the analysis needs. */
export const WRITE_SNAPSHOT = 'infraReview/writeDnsSnapshot';
export interface WriteSnapshotParams {
  /** Absolute path of the file to write. */
  readonly path: string;
}
export interface WriteSnapshotResult {
  readonly written: boolean;
  readonly message: string;
}

/** Code action kind of "fix all problems of one rule in this file". */
export const FIX_ALL_KIND = 'source.fixAll.infraReview';
