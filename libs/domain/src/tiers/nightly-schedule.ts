// When the nightly move runs: once per local calendar day, at or after the configured time of
// day (Conquest's NightlyMove at a fixed hour). The day of the last run is remembered, so a
// leader that starts after the hour still runs it that day, and a second leader does not.

export interface NightlyDecision {
  due: boolean;
  /** The local calendar day of `now`, YYYY-MM-DD: record it as the last run when the run starts. */
  day: string;
}

/** "HH:MM" → minutes after midnight; throws on anything else. */
export function minutesOfDay(at: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new RangeError(`not a time of day HH:MM: ${JSON.stringify(at)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function localDay(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export function nightlyRunDue(at: string, now: Date, lastRunDay: string | undefined): NightlyDecision {
  const day = localDay(now);
  const reached = now.getHours() * 60 + now.getMinutes() >= minutesOfDay(at);
  return { due: reached && lastRunDay !== day, day };
}
