/**
 * What the client does when the language server dies: restart it every time, tell the user
 * once per session (later restarts go to the log only), and give up only on a crash loop
 * (more than `maxCrashes` within `windowMs`), saying so. Pure, so it is unit-tested outside
 * VS Code.
 */
export type RestartDecision =
  | { readonly restart: true; readonly notify: boolean }
  | { readonly restart: false; readonly notify: true; readonly reason: string };

export class RestartPolicy {
  private readonly crashes: number[] = [];
  private notified = false;

  constructor(
    private readonly maxCrashes = 5,
    private readonly windowMs = 3 * 60_000,
  ) {}

  onCrash(now: number): RestartDecision {
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0] > this.windowMs) this.crashes.shift();
    if (this.crashes.length > this.maxCrashes) {
      return {
        restart: false,
        notify: true,
        reason: `it stopped ${this.crashes.length} times in ${Math.round(this.windowMs / 60_000)} minutes`,
      };
    }
    const notify = !this.notified;
    this.notified = true;
    return { restart: true, notify };
  }
}
