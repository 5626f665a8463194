import { SpanStatusCode } from '@opentelemetry/api';
import { QR_QUEUE_GROUP, qrSubjects } from '@pacs/domain';
import type { BusRequest } from '@pacs/messaging';
import { TypeOrmQueryRepository } from '@pacs/persistence';
import type { PacsService } from '@pacs/runtime';
import { findReplies } from './find-responder';
import type { QrReport } from './report';
import { retrieveReplies } from './retrieve-responder';

const SERVER_STOP_TIMEOUT_MS = 20_000;

/**
 * qr-service: answers C-FIND and C-MOVE/C-GET resolution requests from the index, over bus
 * request/reply in one queue group, so replicas share the load (ARCHITECTURE.md data flow).
 */
export const qrService: PacsService = {
  name: 'qr-service',
  async start(ctx) {
    const [db, bus] = await Promise.all([ctx.infra.database(), ctx.infra.bus()]);
    const { qr } = ctx.config;
    const repository = new TypeOrmQueryRepository(db, {
      maxMatches: qr.maxMatches,
      studySortOrder: qr.studySortOrder,
      preferredTier: ctx.config.ingest.tier,
    });
    const subjects = qrSubjects(ctx.config.bus.streamPrefix);
    const requests = ctx.telemetry.meter.createCounter('pacs_qr_requests_total', { description: 'Q/R requests answered, by operation and final status' });
    const answered = ctx.telemetry.meter.createCounter('pacs_qr_results_total', { description: 'C-FIND matches and retrieve instances sent, by operation' });
    const seconds = ctx.telemetry.meter.createHistogram('pacs_qr_request_seconds', { description: 'From request to final reply, by operation', unit: 's' });

    const traced = (operation: 'find' | 'retrieve', replies: (req: BusRequest, report: QrReport) => AsyncGenerator<Uint8Array>) =>
      async function* (req: BusRequest): AsyncGenerator<Uint8Array> {
        const span = ctx.telemetry.tracer.startSpan(`qr.${operation}`);
        const started = process.hrtime.bigint();
        const report: QrReport = { results: 0 };
        try {
          yield* replies(req, report);
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          const status = report.status === undefined ? 'abandoned' : `0x${report.status.toString(16).padStart(4, '0')}`;
          span.setAttributes({ 'dicom.status': status, 'dicom.qr.level': report.level ?? '', 'dicom.qr.results': report.results });
          if (report.status !== undefined && report.status !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: status });
          span.end();
          requests.add(1, { operation, status });
          answered.add(report.results, { operation });
          seconds.record(Number(process.hrtime.bigint() - started) / 1e9, { operation });
        }
      };

    const log = ctx.logger;
    const find = await bus.serve(subjects.find, QR_QUEUE_GROUP, traced('find', (req, report) => findReplies(req, repository, { caseInsensitivePn: qr.caseInsensitivePn }, log, report)));
    ctx.shutdown.onShutdown('qr find server', () => find.stop({ timeoutMs: SERVER_STOP_TIMEOUT_MS }));
    const retrieve = await bus.serve(subjects.retrieve, QR_QUEUE_GROUP, traced('retrieve', (req, report) => retrieveReplies(req, repository, log, report)));
    ctx.shutdown.onShutdown('qr retrieve server', () => retrieve.stop({ timeoutMs: SERVER_STOP_TIMEOUT_MS }));
    log.info({ find: subjects.find, retrieve: subjects.retrieve, queueGroup: QR_QUEUE_GROUP }, 'serving Q/R requests');
  },
};

