import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { APPS, HEAP_FLAGS, REPO_ROOT, TRIM_THRESHOLD, named, objectsOf, podSpec, render, type ContainerSpec } from './chart-fixtures';

// The heap flags and glibc's trim threshold (docs/adr/0002-memory-settings.md) can only be given
// when a process starts (a node flag refused in NODE_OPTIONS, an environment variable glibc reads
// once), so they are written wherever a PACS process is launched; these places must agree, or a
// deployment and the benchmark would run differently tuned processes.

const read = (file: string): string => readFileSync(join(REPO_ROOT, file), 'utf8');

describe('every launcher of a PACS process starts node with the heap flags and the trim threshold', () => {
  test('the container image (CMD, the embedded all-in-one; the environment of every process)', () => {
    assert.match(read('Dockerfile'), new RegExp(`^ +MALLOC_TRIM_THRESHOLD_=${TRIM_THRESHOLD} \\\\$`, 'm'));
    assert.match(read('Dockerfile'), new RegExp(`^CMD \\["node", ${HEAP_FLAGS.map((f) => `"${f}", `).join('')}"dist/apps/all-in-one/main\\.js"\\]$`, 'm'));
  });

  test('npm start', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    assert.match(scripts['start'] ?? '', new RegExp(`&& MALLOC_TRIM_THRESHOLD_=${TRIM_THRESHOLD} node [^&]*${HEAP_FLAGS.join(' ')} dist/apps/all-in-one/main\\.js$`));
  });

  test('the Helm chart, for each of its five services (the image gives their environment)', () => {
    const objects = objectsOf(render());
    for (const app of APPS) {
      const container = podSpec(named(objects, 'Deployment', `pacs-${app}`)).containers[0] as ContainerSpec;
      assert.deepEqual(container.command?.slice(0, 1 + HEAP_FLAGS.length), ['node', ...HEAP_FLAGS], app);
    }
  });

  test('the benchmark peers (embedded, cluster, the null SCP and the Node.js floor)', () => {
    assert.match(read('bench/peer.sh'), new RegExp(`^export BENCH_HEAP_FLAGS="${HEAP_FLAGS.join(' ')}" MALLOC_TRIM_THRESHOLD_=${TRIM_THRESHOLD}$`, 'm'));
    // The embedded PACS and the two null SCPs; pacs-cluster.ts (a supervisor) adds it to its services.
    const launches = (read('bench/peer.sh').match(/exec node [^\n]*/g) ?? []).filter((line) => /all-in-one|null-scp|node-floor-scp/.test(line));
    assert.equal(launches.length, 3);
    for (const line of launches) assert.match(line, /^exec node \$BENCH_HEAP_FLAGS /);
    assert.match(read('bench/pacs-cluster.ts'), /env\['BENCH_HEAP_FLAGS'\]/);
  });
});
