// Which stored objects a reconciler sweep looks at, from the watermark the previous sweep left.

export interface SweepWindow {
  /** Objects last modified before this were covered by earlier sweeps; undefined: no lower bound (full sweep). */
  from: Date | undefined;
  /** Objects last modified at or after this are younger than the grace period: their announcement may still be on its way. */
  until: Date;
}

/**
 * The window of one sweep. The lower bound is the watermark minus the grace period once more:
 * an object's lastModified comes from the storage server's clock, and S3 dates a multipart
 * upload by its start, so an object may become visible a while after the time it carries.
 */
export function sweepWindow(now: Date, graceMs: number, watermark: Date | undefined, full: boolean): SweepWindow {
  const until = new Date(now.getTime() - graceMs);
  if (full || watermark === undefined) return { from: undefined, until };
  return { from: new Date(Math.min(watermark.getTime(), until.getTime()) - graceMs), until };
}

export function positionInWindow(window: SweepWindow, lastModified: Date): 'covered' | 'candidate' | 'young' {
  if (lastModified.getTime() >= window.until.getTime()) return 'young';
  if (window.from !== undefined && lastModified.getTime() < window.from.getTime()) return 'covered';
  return 'candidate';
}

/** The watermark never moves back (a clock step backwards must not make sweeps cover less). */
export function nextWatermark(previous: Date | undefined, window: SweepWindow): Date {
  return previous !== undefined && previous.getTime() > window.until.getTime() ? previous : window.until;
}
