// The cells of a benchmark run made of several rounds (bench/run.sh --rounds): each peer is
// measured once per round, and a cell of the report is the median over the rounds. A ratio is
// also given within each round, where ours and the reference met the same host conditions.

/** One row of the harness's results.tsv, by column name. */
export type Row = Record<string, string>;

export const num = (v: string | undefined): number | null => (v === undefined || v === '' || v === '-' || Number.isNaN(Number(v)) ? null : Number(v));

export const passed = (r: Row | undefined): boolean => r?.['status'] === 'PASS';

/** A figure of a cell that passed; null when the cell failed, is missing or has no such figure. */
export const passedValue = (r: Row | undefined, field: string): number | null => (passed(r) ? num(r?.[field]) : null);

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The figures a cell takes as the median of its rounds. */
const MEDIAN_FIELDS = ['wall_s', 'inst_per_s', 'mb_per_s', 'median_ms', 'p90_ms', 'min_ms', 'srv_cpu_s', 'cli_cpu_s'];

/**
 * A cell over the rounds (undefined: the round did not measure it). A round that did not pass
 * is shown as it is, so the report marks the cell failed and compares nothing; otherwise each
 * figure is the median of the rounds' and `rounds` says how many there were.
 */
export function aggregateRounds(perRound: ReadonlyArray<Row | undefined>): Row | undefined {
  const present = perRound.filter((r): r is Row => r !== undefined);
  if (present.length === 0) return undefined;
  const failed = present.find((r) => !passed(r));
  if (failed) return failed;
  const out: Row = { ...present[0]!, rounds: String(present.length) };
  for (const field of MEDIAN_FIELDS) {
    const m = median(present.map((r) => num(r[field])).filter((v): v is number => v !== null));
    if (m !== null) out[field] = String(Number(m.toFixed(3)));
  }
  return out;
}

/** ours / reference within each round where both passed, in round order. */
export function ratiosPerRound(ours: ReadonlyArray<Row | undefined>, reference: ReadonlyArray<Row | undefined>, metric: string): number[] {
  return ours.flatMap((o, i) => {
    const r = reference[i];
    const ov = passedValue(o, metric);
    const rv = passedValue(r, metric);
    return ov !== null && rv !== null && ov > 0 && rv > 0 ? [Number((ov / rv).toFixed(3))] : [];
  });
}
