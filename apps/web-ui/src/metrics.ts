// Samples kept in memory by the status page: received instances per interval (from the
// instance count's growth between polls) and the indexer lag. Pure, tested in test/ui.
import type { Point } from './chart-geometry';

export const MAX_SAMPLES = 60;

export interface Sample {
  at: number;
  instances: number;
  indexerLag: number | null;
}

export interface Series {
  throughput: Point[];
  lag: Point[];
}

/**
 * Adds a sample: throughput is the growth of the instance count since the previous sample
 * (deletions make it shrink: counted as 0 received), the lag as reported; the last MAX_SAMPLES kept.
 */
export function addSample(series: Series, previous: Sample | null, next: Sample): Series {
  const keep = (points: Point[]): Point[] => points.slice(-MAX_SAMPLES);
  const throughput = previous ? keep([...series.throughput, { at: next.at, value: Math.max(0, next.instances - previous.instances) }]) : series.throughput;
  const lag = next.indexerLag === null ? series.lag : keep([...series.lag, { at: next.at, value: next.indexerLag }]);
  return { throughput, lag };
}
