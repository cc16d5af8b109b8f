import type { Location, Range } from './text';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Higher is more severe; used by --fail-on and sorting. */
export function severityRank(s: Severity): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}

export interface FileEdit {
  readonly file: string;
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  /** Says exactly what the edits do, e.g. "Set inet_protocols = ipv4 (also stops inbound IPv6)". */
  readonly title: string;
  readonly preferred?: boolean;
  readonly edits: readonly FileEdit[];
}

export interface RelatedInfo {
  readonly at: Location;
  readonly message: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly at: Location;
  readonly related: readonly RelatedInfo[];
  readonly fixes: readonly Fix[];
}
