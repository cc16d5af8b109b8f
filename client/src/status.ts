/** The status bar item (DNS mode, cache age, trust) and a progress notification for slow phases. */
import * as vscode from 'vscode';
import type { StatusParams } from './protocol';

const PROGRESS_DELAY_MS = 800;

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export class StatusView implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('infraReview.status', vscode.StatusBarAlignment.Left, 10);
  private progressTimer: NodeJS.Timeout | undefined;
  private endProgress: (() => void) | undefined;
  private reportProgress: ((message: string) => void) | undefined;

  constructor() {
    this.item.name = 'infra-review';
    this.item.command = 'infraReview.showOutput';
    this.item.text = '$(loading~spin) infra-review';
    this.item.show();
  }

  update(s: StatusParams): void {
    const mode = s.mode === s.configuredMode ? s.mode : `${s.mode} (configured: ${s.configuredMode})`;
    const icon = s.analysing || s.dnsPending ? '$(sync~spin)' : s.trusted ? '$(globe)' : '$(shield)';
    const fresh = s.cacheAgeMs === null ? '' : ` · cache ${age(s.cacheAgeMs)}`;
    this.item.text = `${icon} DNS: ${s.mode}${fresh}`;
    const tip = new vscode.MarkdownString(undefined, false);
    tip.appendText(`infra-review — DNS mode ${mode}\n\n`);
    tip.appendText(s.cacheAgeMs === null ? 'No cached DNS answer in use.\n\n' : `Oldest cached DNS answer in use: ${age(s.cacheAgeMs)} old.\n\n`);
    tip.appendText(`${s.files} files, ${s.zoneFiles} zone files${s.dnsPending ? `, ${s.dnsPending} DNS look-ups under way` : ''}.\n\n`);
    if (!s.trusted) tip.appendText('This workspace is not trusted: no live DNS queries and no writes. Trust the workspace to enable them.\n\n');
    tip.appendText('Click to show the log.');
    this.item.tooltip = tip;
    this.item.backgroundColor = s.trusted ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
    this.progress(s);
  }

  /** A notification only when a phase lasts: the first analysis of a large workspace, or DNS resolution. */
  private progress(s: StatusParams): void {
    const busy = (s.analysing && s.firstAnalysis) || s.dnsPending > 0;
    const message = s.dnsPending > 0 ? `resolving ${s.dnsPending} DNS names` : `analysing ${s.files} files`;
    if (!busy) {
      if (this.progressTimer) clearTimeout(this.progressTimer);
      this.progressTimer = undefined;
      this.endProgress?.();
      this.endProgress = this.reportProgress = undefined;
      return;
    }
    if (this.reportProgress) return this.reportProgress(message);
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'infra-review' }, (p) => {
        p.report({ message });
        this.reportProgress = (m) => p.report({ message: m });
        return new Promise<void>((resolve) => (this.endProgress = resolve));
      });
    }, PROGRESS_DELAY_MS);
  }

  dispose(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.endProgress?.();
    this.item.dispose();
  }
}
