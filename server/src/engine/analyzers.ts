/**
 * The per-format analyzers the engine composes into one model. Injected, so the engine can
 * be tested with fakes and each format stays in its own room.
 */
import type { SourceFile } from '../core/source';
import type { ComposeProject, FileSummary, Host, PostfixInstance } from '../model/types';

export interface FormatResult {
  readonly hosts?: readonly Host[];
  readonly postfix?: readonly PostfixInstance[];
  readonly compose?: readonly ComposeProject[];
  readonly summaries: readonly FileSummary[];
}

export interface FormatAnalyzer {
  readonly name: string;
  /** Which file kinds it reads. */
  readonly kinds: readonly SourceFile['kind'][];
  analyze(files: readonly SourceFile[], root: string): Promise<FormatResult> | FormatResult;
}
