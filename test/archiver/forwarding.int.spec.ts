// Forwarding rules end to end (issue 8): objects stored through the real listener and indexer
// are forwarded by real archiver processes to DCMTK storescp, per rule level; a destination
// that is down gets the job retried with the configured delays until it is up; a job whose
// worker is killed -9 is finished by the other archiver replica.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readFileMetaInformation } from '@pacs/dicom';
import { isAcknowledged, makeDataset, runStorescu, startPacsProcess, type GeneratedInstance, type PacsProcess } from '@pacs/testing';
import { freePort, startArchiveSystem, startStorescp, until, type ArchiveSystem, type Storescp } from './support/archive-system';

interface JobRow {
  id: string;
  target: string;
  state: string;
  attempts: number;
  payload: { instances: string[] };
  lease_owner: string | null;
  last_error: string | null;
  retry_gap_ms: number | null;
}

const dataSetOf = (bytes: Buffer): Buffer => bytes.subarray(readFileMetaInformation(bytes).dataSetOffset);
const RETRY = { maxAttempts: 100, holdOffMs: 500, retryDelayMs: 1_500 };

describe('forwarding rules', { timeout: 600_000 }, () => {
  let system: ArchiveSystem;
  let listener: PacsProcess;
  const archivers: PacsProcess[] = [];
  const ports: Record<string, number> = {};
  const scps: Storescp[] = [];

  const jobs = async (rule: string): Promise<JobRow[]> =>
    system.db.query(
      `SELECT id::text AS id, target, state, attempts, payload, lease_owner, last_error,
         (extract(epoch FROM (next_run_at - last_attempt_at)) * 1000)::int AS retry_gap_ms
       FROM archive_job WHERE kind = 'forward' AND starts_with(target, $1) ORDER BY id`,
      [`${rule}|`],
    );

  /** Waits for exactly `count` jobs of the rule, all done; a timeout names the jobs there were. */
  const allDone = async (rule: string, count: number): Promise<JobRow[]> => {
    let last: JobRow[] = [];
    try {
      return await until(`${rule} jobs done`, async () => {
        last = await jobs(rule);
        return last.length === count && last.every((j) => j.state === 'done') ? last : undefined;
      });
    } catch (err) {
      const seen = last.map((j) => ({ state: j.state, attempts: j.attempts, instances: j.payload.instances.length, lastError: j.last_error }));
      throw new Error(`${(err as Error).message}; expected ${count}, found ${JSON.stringify(seen)}`, { cause: err });
    }
  };

  const send = async (name: string, callingAe: string, shape = { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 1, size: 32 }): Promise<GeneratedInstance[]> => {
    const instances = makeDataset(join(system.dir, name), shape);
    const run = runStorescu({ port: system.dicomPort(listener), files: instances.map((i) => i.path), callingAe, calledAe: 'PACS' });
    await run.done;
    for (const i of instances) assert.ok(isAcknowledged(run.results.get(i.path)), `${i.path}: ${run.results.get(i.path)?.detail}; ${listener.problems()}`);
    return instances;
  };

  const assertReceived = (scp: Storescp, instances: GeneratedInstance[]) => {
    for (const instance of instances) {
      assert.deepEqual(dataSetOf(readFileSync(join(scp.dir, `CT.${instance.sopInstanceUid}`))), instance.dataSet, `${instance.sopInstanceUid} forwarded byte-identically`);
    }
  };

  before(async () => {
    for (const ae of ['FWD_I', 'FWD_S', 'FWD_ST', 'DOWN', 'HANG']) ports[ae] = await freePort();
    const rule = (name: string, callingAe: string, destination: string, extra: Record<string, unknown> = {}) =>
      ({ name, match: { callingAe, modality: 'CT' }, destination, retry: RETRY, ...extra });
    system = await startArchiveSystem({
      aeMap: [
        { aeTitle: 'MOD_*' },
        ...Object.entries(ports).map(([aeTitle, port]) => ({ aeTitle, host: '127.0.0.1', port })),
      ],
      archiver: {
        pollIntervalMs: 100, leaseMs: 2_000, verify: { intervalMs: 0 }, forwardConnectTimeoutMs: 120_000,
        forwardRules: [
          rule('per-instance', 'MOD_I', 'FWD_I'),
          rule('per-series', 'MOD_S', 'FWD_S', { level: 'series', delayMs: 5_000 }),
          rule('per-study', 'MOD_ST', 'FWD_ST', { level: 'study', stableMs: 5_000 }),
          rule('to-down', 'MOD_D', 'DOWN'),
          rule('to-hang', 'MOD_K', 'HANG'),
        ],
      },
    });
    const file = system.configFile('services', {});
    await system.start('indexer', file);
    listener = await system.start('scp-listener', file);
    archivers.push(await system.start('archiver', file), await system.start('archiver', file));
    for (const ae of ['FWD_I', 'FWD_S', 'FWD_ST']) scps.push(await startStorescp(ae, ports[ae]!, system.dir));
  });

  after(async () => {
    await Promise.all(scps.map((s) => s.stop()));
    await system?.stop();
  });

  test('instance level: one job per instance, each instance forwarded', async () => {
    const sent = await send('inst', 'MOD_I', { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 3, size: 32 });
    const rows = await allDone('per-instance', 3);
    assert.deepEqual(rows.map((j) => j.payload.instances.length), [1, 1, 1]);
    assertReceived(scps[0]!, sent);
  });

  test('series level: one job per series, with the instances of that series', async () => {
    const sent = await send('series', 'MOD_S', { patients: 1, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 3, size: 32 });
    const rows = await allDone('per-series', 2);
    for (const job of rows) {
      const series = new Set(job.payload.instances.map((uid) => sent.find((i) => i.sopInstanceUid === uid)?.seriesInstanceUid));
      assert.equal(series.size, 1, 'a job holds one series');
      assert.equal(job.payload.instances.length, 3);
    }
    assertReceived(scps[1]!, sent);
  });

  test('study level, once the study is stable: one job for the whole study', async () => {
    const sent = await send('study', 'MOD_ST', { patients: 1, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 2, size: 32 });
    const rows = await allDone('per-study', 1);
    assert.deepEqual([...rows[0]!.payload.instances].sort(), sent.map((i) => i.sopInstanceUid).sort());
    assertReceived(scps[2]!, sent);
  });

  test('destination down: retried after the hold-off, then the retry delay, and completed once it is up', async () => {
    const sent = await send('down', 'MOD_D');
    const failing = await until('two failed attempts', async () => {
      const [job] = await jobs('to-down');
      return job && job.state === 'queued' && job.attempts >= 2 ? job : undefined;
    });
    assert.match(failing.last_error ?? '', /association with DOWN/);
    assert.ok((failing.retry_gap_ms ?? 0) >= RETRY.retryDelayMs - 5, `next attempt one retry delay after the last (${failing.retry_gap_ms} ms)`);
    const scp = await startStorescp('DOWN', ports['DOWN']!, system.dir);
    scps.push(scp);
    const [done] = await until('the job done once DOWN is up', async () => {
      const r = await jobs('to-down');
      return r[0]?.state === 'done' ? r : undefined;
    });
    assert.ok(done!.attempts >= 3);
    assertReceived(scp, sent);
    // The failed attempts show in the metrics of the archivers that made them.
    let failures = 0;
    for (const archiver of archivers) {
      const port = Number((await archiver.waitForLog((l) => l['msg'] === 'prometheus metrics endpoint listening', 'metrics port'))['port']);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const m = /pacs_archiver_job_failures_total\{kind="forward",final="false"[^}]*\} (\d+)/.exec(text);
      failures += Number(m?.[1] ?? 0);
    }
    assert.ok(failures >= 2, `failed forward attempts counted (${failures})`);
  });

  test('a forward job whose archiver is killed -9 is finished by the other replica', async () => {
    // HANG accepts the connection and never answers: the worker holding the job waits there.
    const sockets = new Set<Socket>();
    const hang: Server = createServer((s) => (sockets.add(s), s.on('error', () => undefined)));
    await new Promise<void>((r) => hang.listen(ports['HANG'], '127.0.0.1', r));
    const sent = await send('killed', 'MOD_K');
    const running = await until('the job running on one archiver', async () => {
      const [job] = await jobs('to-hang');
      return job?.state === 'running' && sockets.size > 0 ? job : undefined;
    });
    const owner = archivers.find((a) => a.logs.some((l) => l['msg'] === 'archive worker started' && l['workerId'] === running.lease_owner));
    assert.ok(owner, `an archiver owns ${running.lease_owner}`);
    owner.child.kill('SIGKILL');
    await owner.exited;
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => hang.close(() => r()));
    const scp = await startStorescp('HANG', ports['HANG']!, system.dir);
    scps.push(scp);
    const [done] = await until('the job finished by the other archiver', async () => {
      const r = await jobs('to-hang');
      return r[0]?.state === 'done' ? r : undefined;
    });
    assert.notEqual(done!.lease_owner, running.lease_owner, 'finished by another worker');
    assertReceived(scp, sent);
  });

  test('a bad forwarding rule or an unknown tier stops the archiver at start, naming the key (exit 78)', async () => {
    for (const [archiver, key] of [
      [{ nightlyMove: { thresholdBytes: 1, target: 'nowhere' } }, 'archiver.nightlyMove.target'],
      [{ forwardRules: [{ name: 'bad', destination: 'FWD_I', match: { attributes: [{ tag: 'NoSuchKeyword', present: true }] } }] }, 'archiver.forwardRules[0].match.attributes[0].tag'],
    ] as const) {
      const p = startPacsProcess('archiver', { PACS_CONFIG: system.configFile('bad', { archiver }) });
      assert.equal(await p.exited, 78);
      assert.ok(p.stderr.some((line) => line.includes(`config error: ${key}`)), p.stderr.join('\n'));
      await p.stop();
    }
  });
});
