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
  /** The rule's documentation; docs/rules.md is generated from it (scripts/gen-rule-docs.mjs). */
  readonly doc: RuleDoc;
}

export interface RuleDoc {
  /** What it reports, in a sentence or two. */
  readonly what: string;
  /** What breaks because of it (the mail admin's view). */
  readonly why: string;
  /** How to fix it (and which quick fixes exist). */
  readonly fix: string;
  /** What it deliberately does NOT flag (the false-positive traps). */
  readonly notFlagged: string;
  /** A bad example and its fixed form, with the file type for highlighting. */
  readonly example?: { readonly lang: 'nix' | 'postfix' | 'yaml' | 'dns'; readonly bad: string; readonly fixed: string };
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
