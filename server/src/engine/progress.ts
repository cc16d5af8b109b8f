/**
 * Progress of a CLI run on stderr: one status line redrawn in place (files, parsed, hosts,
 * DNS names resolved) when stderr is a terminal, and nothing at all otherwise, so CI logs
 * and redirected output stay clean. The line is erased before results are printed.
 */
import type { FormatAnalyzer } from './analyzers';

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(chunk: string): unknown;
}

const ERASE = '\r\x1b[K';

export class Progress {
  private files = 0;
  private parsedFiles = 0;
  private hosts = 0;
  private readonly names = new Set<string>();
  private lastDraw = -Infinity;
  private drawn = false;

  /** `stream` undefined: a silent progress (every method is a no-op). */
  constructor(
    private readonly stream: ProgressStream | undefined,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 100,
  ) {}

  /** Enabled for a terminal that understands the erase sequence; silent for pipes and files. */
  static forStream(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): Progress {
    return new Progress(stream.isTTY && env.TERM !== 'dumb' ? stream : undefined);
  }

  static silent(): Progress {
    return new Progress(undefined);
  }

  get enabled(): boolean {
    return this.stream !== undefined;
  }

  filesFound(n: number): void {
    this.files = n;
    this.draw(true);
  }

  dnsAnswer(name: string): void {
    this.names.add(name);
    this.draw(false);
  }

  /** Counts files parsed and hosts found as each format analyzer finishes. */
  wrap(analyzers: readonly FormatAnalyzer[]): readonly FormatAnalyzer[] {
    if (!this.enabled) return analyzers;
    return analyzers.map((a) => ({
      name: a.name,
      kinds: a.kinds,
      analyze: async (files, root) => {
        const result = await a.analyze(files, root);
        this.parsedFiles += files.length;
        this.hosts += result.hosts?.length ?? 0;
        this.draw(true);
        return result;
      },
    }));
  }

  line(): string {
    const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
    return `infra-review: ${n(this.files, 'file')}, ${this.parsedFiles} parsed, ${n(this.hosts, 'host')}, ${n(this.names.size, 'DNS name')} resolved`;
  }

  /** Erases the line (before output, and at the end). */
  done(): void {
    if (this.stream && this.drawn) this.stream.write(ERASE);
    this.drawn = false;
  }

  private draw(force: boolean): void {
    if (!this.stream) return;
    const t = this.now();
    // DNS answers come fast: redraw at most every intervalMs, phase changes always.
    if (!force && t - this.lastDraw < this.intervalMs) return;
    this.lastDraw = t;
    this.stream.write(`${ERASE}${this.line()}`);
    this.drawn = true;
  }
}
