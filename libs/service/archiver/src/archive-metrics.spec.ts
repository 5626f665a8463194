import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metrics } from '@opentelemetry/api';
import type { ArchiveOutbox, JobQueue, TierLocationRepository } from '@pacs/persistence';
import { createLogger } from '@pacs/platform';
import { ArchiveMetrics } from './archive-metrics';

describe('archive metrics refresh', () => {
  test('job counts and the backlog every refreshMs; the per-tier count of all locations only every usageRefreshMs', async () => {
    const reads = { usage: 0, counts: 0, backlog: 0 };
    let thirdCount!: () => void;
    const threeCounts = new Promise<void>((resolve) => (thirdCount = resolve));
    const sources = {
      locations: { usagePerTier: async () => (reads.usage++, [{ tier: 'primary', bytes: 10, objects: 1 }]) } as unknown as TierLocationRepository,
      queue: { counts: async () => (++reads.counts === 3 && thirdCount(), []) } as unknown as JobQueue,
      outbox: { backlog: async () => (reads.backlog++, 0) } as unknown as ArchiveOutbox,
    };
    const archiveMetrics = new ArchiveMetrics(metrics.getMeter('test'), sources, 1, createLogger({ level: 'silent' }, 'metrics-test'), 3_600_000);
    // The refresh timer does not hold the process open (unref): this test does, while it waits.
    const keepAlive = setInterval(() => undefined, 1_000);
    archiveMetrics.start();
    await threeCounts;
    archiveMetrics.stop();
    clearInterval(keepAlive);
    assert.equal(reads.usage, 1, 'tier usage read once, at start');
    assert.ok(reads.backlog >= 3);
  });
});
