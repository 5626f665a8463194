// A one-line progress bar on a terminal (stderr), redrawn at most ten times a second; silent
// when stderr is not a TTY, so logs and pipes only get the summary line.
export class ProgressBar {
  private lastDraw = 0;
  private readonly enabled: boolean;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = stream.isTTY === true;
  }

  update(done: number, bytes: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const line = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${this.total} ${formatBytes(bytes)} ${formatBytes(bytes / seconds)}/s`;
    this.stream.write(`\r${line.padEnd(79)}`);
  }

  finish(): void {
    if (this.enabled) this.stream.write(`\r${' '.repeat(79)}\r`);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n.toFixed(0)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
