// The change log publisher on real NATS JetStream and PostgreSQL: two archiver replicas, each
// change published once on <prefix>.changes.<kind> in log order, study-stable after the quiet
// period, and a replica that publishes the same change again is deduplicated by the stream.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DataSet } from '@pacs/dicom';
import { toIndexRecords } from '@pacs/domain';
import { NatsBus, type BusMessage } from '@pacs/messaging';
import { ChangeLogRepository, openDatabase, TypeOrmIndexRepository, type DataSource } from '@pacs/persistence';
import { tempPostgresSchema } from '@pacs/persistence/testing';
import { createLogger } from '@pacs/platform';
import { ChangePublisher, ensureChangeStream } from './change-publisher';
import { changeTopology, encodeChange, type ChangeMessage } from './change-topology';

const logger = createLogger({ level: 'silent' }, 'change-publisher-test');

function instance(study: string, series: string, sop: string) {
  const ds = new DataSet()
    .setStrings(0x00080016, '1.2.840.10008.5.1.4.1.1.2').setStrings(0x00080018, sop).setStrings(0x00080060, 'CT')
    .setStrings(0x00100020, `P-${study}`).setStrings(0x0020000d, study).setStrings(0x0020000e, series);
  return {
    records: toIndexRecords(ds), location: { tier: 'hot', key: `k/${sop}`, digest: 'd', size: 1 },
    receipt: { transferSyntaxUid: '1.2.840.10008.1.2.1', sourceAe: 'MOD', receivedAt: new Date() }, policy: 'keep-first' as const,
  };
}

describe('change publisher on NATS JetStream and PostgreSQL', () => {
  const temp = tempPostgresSchema(4);
  const prefix = `T${randomBytes(4).toString('hex').toUpperCase()}`;
  const topology = changeTopology(prefix);
  let db: DataSource;
  let buses: NatsBus[] = [];

  before(async () => {
    db = await openDatabase(temp.options);
    buses = await Promise.all([0, 1, 2].map((i) => NatsBus.connect({ servers: 'nats://127.0.0.1:4222', name: `change-publisher-test-${i}` })));
    await ensureChangeStream(buses[0]!, topology);
  });
  after(async () => {
    await buses[0]?.deleteStream(topology.stream).catch(() => undefined);
    await Promise.all(buses.map((b) => b.close()));
    await db?.destroy();
    await temp.cleanup();
  });

  test('two replicas publish each change once, in order; study-stable follows the quiet period; a repeat is deduplicated', async () => {
    const [subscriberBus, busA, busB] = buses as [NatsBus, NatsBus, NatsBus];
    const received: ChangeMessage[] = [];
    const subjects: string[] = [];
    const consumer = await subscriberBus.consume(
      { stream: topology.stream, durable: 'test', maxAckPending: 1000, ackWaitMs: 30_000, maxDeliver: 3 },
      async (msg: BusMessage) => {
        received.push(JSON.parse(Buffer.from(msg.data).toString('utf8')) as ChangeMessage);
        subjects.push(msg.subject);
      },
    );
    const changes = new ChangeLogRepository(db);
    const options = { pollIntervalMs: 50, stableStudyMs: 300, changeRetentionDays: 30 };
    const replicas = [new ChangePublisher(changes, busA, topology, options, logger), new ChangePublisher(changes, busB, topology, options, logger)];
    try {
      const study = `2.25.${BigInt(`0x${randomBytes(10).toString('hex')}`)}`;
      await new TypeOrmIndexRepository(db).upsertInstances([instance(study, `${study}.1`, `${study}.1.1`), instance(study, `${study}.1`, `${study}.1.2`)]);
      for (const r of replicas) r.start();
      const deadline = Date.now() + 30_000;
      while (!received.some((m) => m.kind === 'study-stable') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

      assert.deepEqual(received.map((m) => m.kind), ['new-patient', 'new-study', 'new-series', 'new-instance', 'new-instance', 'study-stable']);
      assert.deepEqual(subjects, received.map((m) => `${prefix.toLowerCase()}.changes.${m.kind}`));
      assert.ok(received.every((m, i) => i === 0 || m.seq > received[i - 1]!.seq), 'in log order');
      assert.equal(received.at(-1)?.uid, study);

      // A publisher that crashed before moving the cursor publishes again: the stream drops it.
      const page = await changes.list(0, 1);
      const ack = await busA.publish(topology.subject(page.changes[0]!.kind), encodeChange(page.changes[0]!), { msgId: `change-${page.changes[0]!.seq}` });
      assert.equal(ack.duplicate, true);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await consumer.stop();
    }
  });
});
