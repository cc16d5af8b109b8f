import type { Finding, Fix, RelatedInfo, Severity } from '../core/finding';
import type { Location } from '../core/text';
import type { InfraModel } from '../model/types';
import type { DnsView } from '../dns/types';
import type { EditKit } from '../edits/kit';

export interface RuleMeta {
  /** Stable id used in output, settings and suppressions. */
  readonly id: string;
  readonly defaultSeverity: Severity;
  readonly title: string;
  /** Anchor in docs/rules.md (the id). */
  readonly docs: string;
}

/** What a rule reports before the engine applies severity overrides and suppressions. */
export interface RawFinding {
  readonly at: Location;
  readonly message: string;
  readonly related?: readonly RelatedInfo[];
  readonly fixes?: readonly Fix[];
  /** Defaults to the rule's severity (after overrides); a rule may lower it (e.g. to info). */
  readonly severity?: Severity;
}

export interface RuleContext {
  readonly model: InfraModel;
  readonly dns: DnsView;
  readonly edits: EditKit;
}

export interface Rule {
  readonly meta: RuleMeta;
  /** Pure: reads the model and the DNS view, never syntax, files or the network. */
  check(ctx: RuleContext): Promise<readonly RawFinding[]> | readonly RawFinding[];
}

export type { Finding };
