/**
 * Runs analyses one at a time, latest wins. Requests within `delayMs` of each other merge
 * (trailing debounce, but never longer than `maxWaitMs` under continuous typing); a request
 * during a run aborts it (its results are not published) and starts a fresh run as soon as it
 * stops, so the last edit is always analysed and published.
 */
export type AnalysisRun = (signal: AbortSignal, reasons: readonly string[]) => Promise<void>;

export class AnalysisScheduler {
  private timer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  private reasons: string[] = [];
  private running: AbortController | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly run: AnalysisRun,
    private readonly log: (m: string) => void,
    private readonly delayMs = 150,
    private readonly maxWaitMs = 1000,
  ) {}

  /** Asks for an analysis; `immediate` skips the debounce (start-up, settings, DNS answers). */
  request(reason: string, immediate = false): void {
    const now = Date.now();
    if (!this.reasons.length) this.firstPendingAt = now;
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
    this.running?.abort();
    if (this.timer) clearTimeout(this.timer);
    const wait = immediate ? 0 : Math.max(0, Math.min(this.delayMs, this.firstPendingAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => this.fire(), wait);
  }

  get busy(): boolean {
    return !!this.running || this.reasons.length > 0;
  }

  /** Resolves when nothing is pending or running (or after `timeoutMs`: callers then use what they have). */
  idle(timeoutMs: number): Promise<boolean> {
    if (!this.busy) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.running?.abort();
  }

  private fire(): void {
    this.timer = undefined;
    if (this.running) return; // the running analysis was aborted; its `finally` starts the next
    const reasons = this.reasons;
    this.reasons = [];
    const controller = new AbortController();
    this.running = controller;
    this.run(controller.signal, reasons)
      .catch((e: unknown) => this.log(`analysis failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`))
      .finally(() => {
        this.running = undefined;
        if (this.reasons.length) {
          if (!this.timer) this.fire();
        } else {
          const waiters = this.waiters;
          this.waiters = [];
          for (const w of waiters) w();
        }
      });
  }
}
