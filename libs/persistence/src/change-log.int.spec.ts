import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DataSet } from '@pacs/dicom';
import { toIndexRecords } from '@pacs/domain';
import { ChangeLogRepository, IndexDeletion, openDatabase, TypeOrmIndexRepository, type Change, type DataSource, type UpsertInstanceInput } from './index';
import { tempPglite, tempPostgresSchema, type TempDatabase } from './testing';

const uidRoot = (): string => `2.25.${BigInt(`0x${randomBytes(12).toString('hex')}`)}`;

function input(root: string, series: number, instance: number, description = 'Chest', at = '2024-01-31T10:00:00Z'): UpsertInstanceInput {
  const ds = new DataSet()
    .setStrings(0x00080016, '1.2.840.10008.5.1.4.1.1.2')
    .setStrings(0x00080018, `${root}.${series}.${instance}`)
    .setStrings(0x00080060, 'CT')
    .setStrings(0x00081030, description)
    .setStrings(0x00100010, 'Doe^Jane')
    .setStrings(0x00100020, `P-${root}`)
    .setStrings(0x0020000d, `${root}.0`)
    .setStrings(0x0020000e, `${root}.${series}`);
  return {
    records: toIndexRecords(ds),
    location: { tier: 'hot', key: `k/${root}.${series}.${instance}`, digest: 'd1', size: 10 },
    receipt: { transferSyntaxUid: '1.2.840.10008.1.2.1', sourceAe: 'MOD', receivedAt: new Date(at) },
    policy: 'keep-first',
  };
}

/** The changes of one UID root, as "kind uid" lines in log order. */
async function changesOf(db: DataSource, root: string, fromSeq = 0): Promise<string[]> {
  const rows: { kind: string; uid: string; study_uid: string | null }[] = await db.query(
    `SELECT "kind", "uid", "study_uid" FROM "change_log" WHERE "seq" > $2 AND ("uid" LIKE $1 OR "study_uid" LIKE $1) ORDER BY "seq"`,
    [`%${root}%`, fromSeq],
  );
  for (const r of rows) if (r.kind !== 'new-patient' && r.kind !== 'deleted-patient') assert.equal(r.study_uid, `${root}.0`, `${r.kind} ${r.uid} names its study`);
  return rows.map((r) => `${r.kind} ${r.uid.replace(root, 'R')}`);
}

const lastSeq = async (db: DataSource): Promise<number> => Number((await db.query(`SELECT coalesce(max("seq"), 0)::text AS s FROM "change_log"`))[0].s);

function changeLogSuite(name: string, makeDatabase: () => TempDatabase): void {
  describe(`change log triggers on ${name}`, () => {
    const temp = makeDatabase();
    let db: DataSource;
    let index: TypeOrmIndexRepository;
    let changes: ChangeLogRepository;
    before(async () => {
      db = await openDatabase(temp.options);
      index = new TypeOrmIndexRepository(db);
      changes = new ChangeLogRepository(db);
    });
    after(async () => {
      await db?.destroy();
      await temp.cleanup();
    });

    test('a batch records new-patient, new-study, new-series and new-instance once each; computed-key updates record nothing', async () => {
      const root = uidRoot();
      const results = await index.upsertInstances([input(root, 1, 1), input(root, 1, 2), input(root, 2, 1)]);
      assert.deepEqual(results.map((r) => r.outcome), ['inserted', 'inserted', 'inserted']);
      assert.deepEqual(await changesOf(db, root), [
        'new-patient P-R', 'new-study R.0', 'new-series R.1', 'new-series R.2', 'new-instance R.1.1', 'new-instance R.1.2', 'new-instance R.2.1',
      ]);
    });

    test('a redelivered batch and a repeated instance add no change', async () => {
      const root = uidRoot();
      const batch = [input(root, 1, 1), input(root, 1, 2)];
      await index.upsertInstances(batch);
      const seq = await lastSeq(db);
      assert.deepEqual((await index.upsertInstances(batch)).map((r) => r.outcome), ['unchanged', 'unchanged']);
      assert.equal((await index.upsertInstance(batch[0]!)).outcome, 'unchanged');
      assert.deepEqual(await changesOf(db, root, seq), []);
    });

    test('newer study attributes record updated-study; a replaced instance with another digest records updated-instance', async () => {
      const root = uidRoot();
      await index.upsertInstance(input(root, 1, 1));
      const seq = await lastSeq(db);
      await index.upsertInstance(input(root, 1, 2, 'Abdomen', '2024-02-01T10:00:00Z'));
      assert.deepEqual(await changesOf(db, root, seq), ['updated-study R.0', 'new-instance R.1.2']);
      const seq2 = await lastSeq(db);
      const replaced = { ...input(root, 1, 1, 'Abdomen', '2024-02-01T10:00:00Z'), policy: 'replace' as const, location: { tier: 'hot', key: `k2/${root}`, digest: 'd2', size: 10 } };
      assert.equal((await index.upsertInstance(replaced)).outcome, 'replaced');
      assert.deepEqual(await changesOf(db, root, seq2), ['updated-instance R.1.1']);
    });

    test('deleting an instance, a series and a study records deleted-* for every row removed, with its study', async () => {
      const root = uidRoot();
      await index.upsertInstances([input(root, 1, 1), input(root, 1, 2), input(root, 2, 1), input(root, 3, 1)]);
      const deletion = new IndexDeletion(db);
      let seq = await lastSeq(db);
      await deletion.deleteInstance(`${root}.1.1`);
      assert.deepEqual(await changesOf(db, root, seq), ['deleted-instance R.1.1']);
      seq = await lastSeq(db);
      await deletion.deleteSeries(`${root}.2`);
      assert.deepEqual(await changesOf(db, root, seq), ['deleted-instance R.2.1', 'deleted-series R.2']);
      seq = await lastSeq(db);
      await index.deleteStudy(`${root}.0`);
      assert.deepEqual(await changesOf(db, root, seq), ['deleted-instance R.1.2', 'deleted-instance R.3.1', 'deleted-series R.1', 'deleted-series R.3', 'deleted-study R.0']);
    });

    test('GET /api/changes paging: since, limit, last and done', async () => {
      const root = uidRoot();
      const since = await lastSeq(db);
      await index.upsertInstances([input(root, 1, 1), input(root, 1, 2)]);
      const first = await changes.list(since, 3);
      assert.deepEqual(first.changes.map((c) => c.kind), ['new-patient', 'new-study', 'new-series']);
      assert.equal(first.done, false);
      assert.equal(first.last, first.changes[2]!.seq);
      const rest = await changes.list(first.last, 3);
      assert.deepEqual(rest.changes.map((c) => `${c.kind} ${c.uid.replace(root, 'R')} ${c.studyInstanceUid?.replace(root, 'R')}`), ['new-instance R.1.1 R.0', 'new-instance R.1.2 R.0']);
      assert.equal(rest.done, true);
      const none = await changes.list(rest.last, 3);
      assert.deepEqual(none, { changes: [], last: rest.last, done: true });
    });

    test('pages and publishing follow seq numerically (across 9 → 10 → 100), not as text', async () => {
      const root = uidRoot();
      await index.upsertInstances(Array.from({ length: 120 }, (_, i) => input(root, 1 + (i % 3), i)));
      const expected = (await db.query(`SELECT "seq"::text AS s FROM "change_log" ORDER BY "seq"`)).map((r: { s: string }) => Number(r.s));
      const paged: number[] = [];
      let since = 0;
      for (let done = false; !done;) {
        const page = await changes.list(since, 7);
        paged.push(...page.changes.map((c) => c.seq));
        ({ last: since, done } = page);
      }
      assert.deepEqual(paged, expected);
      const published: number[] = [];
      const options = { limit: 9, stableMs: 3_600_000, retentionDays: 30, pruneEveryMs: 3_600_000 };
      while ((await changes.publishRound(options, async (batch) => {
        published.push(...batch.map((c) => c.seq));
      })).published > 0);
      const ours = new Set<number>((await db.query(`SELECT "seq"::text AS s FROM "change_log" WHERE "uid" LIKE $1 OR "study_uid" LIKE $1`, [`%${root}%`])).map((r: { s: string }) => Number(r.s)));
      const publishedOurs = published.filter((s) => ours.has(s));
      assert.deepEqual(publishedOurs, [...ours].sort((a, b) => a - b), 'one transaction: its changes in seq order');
      assert.equal(publishedOurs.length, 1 + 1 + 3 + 120);
    });

    test('publishing: each change once, in order; study-stable once per quiet period, then published', async () => {
      const published: Change[] = [];
      const publish = async (batch: readonly Change[]) => {
        published.push(...batch);
      };
      const options = { limit: 1000, stableMs: 3_600_000, retentionDays: 30, pruneEveryMs: 3_600_000 };
      // Publish what earlier tests left, so the rest of this test sees only its own study.
      while ((await changes.publishRound(options, publish)).published > 0);
      published.length = 0;

      const root = uidRoot();
      await index.upsertInstances([input(root, 1, 1), input(root, 1, 2)]);
      const round = await changes.publishRound(options, publish);
      assert.deepEqual({ ...round, published: round.published >= 5 }, { busy: false, published: true, stable: 0, pruned: 0 });
      const ours = () => published.filter((c) => c.uid.includes(root)).map((c) => c.kind);
      assert.deepEqual(ours(), ['new-patient', 'new-study', 'new-series', 'new-instance', 'new-instance']);
      assert.equal((await changes.publishRound(options, publish)).published, 0);

      // Quiet period over (stableMs 0): recorded in this round, published in the next, not repeated.
      const quiet = { ...options, stableMs: 0 };
      assert.ok((await changes.publishRound(quiet, publish)).stable >= 1);
      await changes.publishRound(quiet, publish);
      assert.equal((await changes.publishRound(quiet, publish)).stable, 0);
      assert.deepEqual(ours(), ['new-patient', 'new-study', 'new-series', 'new-instance', 'new-instance', 'study-stable']);
      const stable = published.find((c) => c.kind === 'study-stable' && c.uid === `${root}.0`);
      assert.equal(stable?.studyInstanceUid, `${root}.0`);
      assert.deepEqual(published.map((c) => c.seq), [...new Set(published.map((c) => c.seq))], 'nothing published twice');
    });

    test('a failed publish moves nothing: the same changes come again', async () => {
      const options = { limit: 1000, stableMs: 3_600_000, retentionDays: 30, pruneEveryMs: 3_600_000 };
      while ((await changes.publishRound(options, async () => undefined)).published > 0);
      const root = uidRoot();
      await index.upsertInstance(input(root, 1, 1));
      await assert.rejects(changes.publishRound(options, async () => {
        throw new Error('bus down');
      }), /bus down/);
      const again: Change[] = [];
      await changes.publishRound(options, async (batch) => {
        again.push(...batch);
      });
      assert.deepEqual(again.map((c) => c.kind), ['new-patient', 'new-study', 'new-series', 'new-instance']);
    });

    test('retention prunes published rows older than changeRetentionDays', async () => {
      const options = { limit: 1000, stableMs: 3_600_000, retentionDays: 30, pruneEveryMs: 0 };
      while ((await changes.publishRound({ ...options, pruneEveryMs: 3_600_000 }, async () => undefined)).published > 0);
      const root = uidRoot();
      await index.upsertInstance(input(root, 1, 1));
      await changes.publishRound({ ...options, pruneEveryMs: 3_600_000 }, async () => undefined);
      await db.query(`UPDATE "change_log" SET "at" = now() - interval '31 days' WHERE "uid" = $1`, [`${root}.1.1`]);
      await db.query(`UPDATE "change_publisher" SET "pruned_at" = now() - interval '1 hour'`);
      const round = await changes.publishRound(options, async () => undefined);
      assert.equal(round.pruned, 1);
      assert.deepEqual(await changesOf(db, root), ['new-patient P-R', 'new-study R.0', 'new-series R.1']);
    });
  });
}

changeLogSuite('PostgreSQL', () => tempPostgresSchema(4));
changeLogSuite('PGlite', () => tempPglite());
