// Temp files opened ahead of the puts that will write them. Creating a file is a journalled
// metadata operation and a round trip to libuv's thread pool; on the path of a put it sits
// between the last byte received and the C-STORE-RSP. A spare is opened after a put completes,
// while the peer sends its next object, so the next put starts writing at once. (A small object
// with no record never needs one: the commit threads keep their own, commit-threads.ts.)

export interface TempFile {
  /** Names the temp files of one put: `<id>.data` (this file) and `<id>.meta` (its record). */
  readonly id: string;
  readonly path: string;
  /** Open for writing; the put that takes the file closes it. */
  readonly fd: number;
  /** When it was created, on the clock of `now`. */
  readonly openedAt: number;
}

export interface SpareTempFilesOptions {
  /** Creates and opens a new temp file. */
  open(): Promise<TempFile>;
  /** Closes and removes a temp file nobody will write; must not throw. */
  discard(file: TempFile): Promise<void>;
  /** Spares kept at most: about the number of puts running at once. */
  max: number;
  /**
   * A spare older than this is discarded instead of used, so an idle store never holds a temp
   * file that a sweep of abandoned uploads (by age, across processes) could take for a leftover.
   */
  maxAgeMs: number;
  now?: () => number;
}

/** A refill's open under way; a put that finds no spare claims it rather than open another. */
interface Opening {
  claimed: boolean;
  /** The file for the put that claimed it; undefined once kept as a spare, discarded or failed. */
  readonly file: Promise<TempFile | undefined>;
}

export class SpareTempFiles {
  private readonly spares: TempFile[] = [];
  private readonly opening = new Set<Opening>();
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: SpareTempFilesOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * A spare young enough, else the file of a refill still opening (it started earlier than an
   * open started now would), else a file opened now (whose failure is the caller's error).
   */
  async take(): Promise<TempFile> {
    for (let spare = this.spares.pop(); spare !== undefined; spare = this.spares.pop()) {
      if (this.now() - spare.openedAt <= this.options.maxAgeMs) return spare;
      void this.options.discard(spare);
    }
    const opening = this.unclaimed();
    if (opening) {
      opening.claimed = true;
      const file = await opening.file;
      if (file) return file;
    }
    return this.options.open();
  }

  /**
   * Opens one spare, unless the maximum is held or opening, without waiting for it: called once
   * per completed put, it replaces the file that put took, so the spares grow to the number of
   * puts running at once and never open in a burst that would queue ahead of their fsyncs. A
   * failure is dropped: the next take() opens its own file and reports the cause.
   */
  refill(): void {
    const unclaimed = [...this.opening].filter((opening) => !opening.claimed).length;
    if (this.closed || this.spares.length + unclaimed >= this.options.max) return;
    const opening: Opening = {
      claimed: false,
      file: this.options.open().then(
        async (file) => {
          this.opening.delete(opening);
          if (opening.claimed) return file;
          if (this.closed) await this.options.discard(file);
          else this.spares.push(file);
          return undefined;
        },
        () => {
          this.opening.delete(opening);
          return undefined;
        },
      ),
    };
    this.opening.add(opening);
  }

  /** True for the path of a spare held now (a sweep of leftovers must not remove it). */
  holds(path: string): boolean {
    return this.spares.some((spare) => spare.path === path);
  }

  /** Discards every spare, including those still opening that no put has claimed. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.spares.splice(0).map((spare) => this.options.discard(spare)), ...[...this.opening].map((opening) => opening.file)]);
  }

  private unclaimed(): Opening | undefined {
    for (const opening of this.opening) if (!opening.claimed) return opening;
    return undefined;
  }
}
