import { readFileSync } from 'node:fs';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  DicomServer, Status, defaultAcceptancePolicy, serveDimse, warmUpStorePath, type Association, type DimseHandlers, type DimseOutcome,
} from '@pacs/dicom';
import { StoreScp, ensureIngestStream, type PacsService, type ServiceContext } from '@pacs/runtime';
import { AssociationSummaryRecorder, publishSummaryOnClose } from './association-summary';
import { IndexLagMonitor } from './index-lag-monitor';
import { importRulesFromConfig } from './import-rules-config';
import { QrClient } from './qr-client';
import { answerQrExtendedNegotiation, QrNegotiations } from './qr-negotiation';
import { QrScp } from './qr-scp';

/**
 * scp-listener: the DICOM front door (PS3.7/PS3.8). Needs the bus and object storage, never
 * the database (ARCHITECTURE.md: modalities keep storing while the database is down).
 */
export const scpListenerService: PacsService = {
  name: 'scp-listener',
  async start(ctx) {
    const { config, logger } = ctx;
    const [store, bus] = await Promise.all([ctx.infra.objectStore(), ctx.infra.bus()]);
    const topology = await ensureIngestStream(bus, config);
    const lag = new IndexLagMonitor(bus, topology.stream, config.ingest.maxIndexLag, logger);
    lag.start();
    ctx.shutdown.onShutdown('index lag monitor', async () => lag.stop());

    const meter = ctx.telemetry.meter;
    const storedInstances = meter.createCounter('pacs_listener_instances_stored_total', { description: 'C-STOREs answered with success' });
    const storedBytes = meter.createCounter('pacs_listener_bytes_stored_total', { description: 'Bytes of stored Part 10 objects', unit: 'By' });
    const storeLatency = meter.createHistogram('pacs_listener_store_seconds', { description: 'C-STORE request to durable (stored and announced)', unit: 's' });
    const storeFailures = meter.createCounter('pacs_listener_store_failures_total', { description: 'C-STOREs answered with a failure, by status' });
    const associations = meter.createCounter('pacs_listener_associations_total', { description: 'Associations, by outcome' });

    const storeScp = new StoreScp(store, bus, {
      subject: topology.receivedSubject,
      keyTemplate: config.ingest.keyTemplate,
      headerCapBytes: config.ingest.headerCapBytes,
      storageFailureStatus: config.ingest.storageFailureStatus,
      tier: config.ingest.tier,
      backPressure: lag.busy,
      // Import rules (issue 5): compiled at start, so a bad rule stops the listener naming importRules[i].
      importRules: importRulesFromConfig(config),
    }, logger, {
      stored: (bytes, seconds) => { storedInstances.add(1); storedBytes.add(bytes); storeLatency.record(seconds); },
      failed: (status) => storeFailures.add(1, { status: `0x${status.toString(16).padStart(4, '0')}` }),
    });

    // The live AE map (issue 6): the database table, asked from admin-api over the bus and
    // reloaded on every edit; the configured entries until it answers.
    const aeMap = await ctx.infra.aeMap();
    // Q/R (issue 6): C-FIND/C-MOVE/C-GET answered by qr-service over the bus, sub-operations sent from here.
    const qrNegotiations = new QrNegotiations();
    const qrScp = new QrScp(
      new QrClient(bus, {
        namespace: config.bus.streamPrefix,
        timeoutMs: config.qr.timeoutMs,
        onRetry: (service, err) => logger.warn({ service, err: err.message }, 'no answer from qr-service; asking again'),
      }),
      // Each instance is read from the tier of the location the index offered (issue 8).
      (tier) => ctx.infra.tierStore(tier),
      aeMap,
      qrNegotiations,
      { aeTitle: config.dicom.aeTitle, acceptUnknownCallingAe: config.dicom.acceptUnknownCallingAe, retrieveParallelism: config.qr.retrieveParallelism, maxPduLength: config.dicom.maxPduLength },
      ctx.telemetry.tracer,
      logger.child({ component: 'qr-scp' }),
    );
    const basePolicy = defaultAcceptancePolicy({
      aeTitle: config.dicom.aeTitle,
      acceptUnknownCallingAe: config.dicom.acceptUnknownCallingAe,
      callingAeCheck: (calling) => aeMap.current().lookup(calling) !== undefined,
      maxPduLength: config.dicom.maxPduLength,
    });
    const policy = { ...basePolicy, extendedNegotiation: answerQrExtendedNegotiation };

    const handlers = (span: Span): DimseHandlers => ({
      echo: () => traced(ctx, span, 'C-ECHO', {}, async () => ({ status: Status.Success })),
      ...qrScp.handlers(span),
      store: (req) =>
        traced(ctx, span, 'C-STORE', { 'dicom.sop_instance_uid': req.sopInstanceUid, 'dicom.sop_class_uid': req.sopClassUid }, async () => {
          if (!config.dicom.acceptUnknownCallingAe && !aeMap.current().allows(req.association.callingAeTitle, 'store')) {
            req.dataSet.resume();
            return { status: Status.NotAuthorized, errorComment: `${req.association.callingAeTitle} may not store here` };
          }
          return storeScp.handle({
            assocId: req.association.id,
            callingAe: req.association.callingAeTitle,
            calledAe: req.association.calledAeTitle,
            peer: `${req.association.remoteAddress ?? '?'}:${req.association.remotePort ?? '?'}`,
            sopClassUid: req.sopClassUid,
            sopInstanceUid: req.sopInstanceUid,
            transferSyntaxUid: req.transferSyntaxUid,
            dataSet: req.dataSet,
          });
        }),
    });

    const onAssociation = (association: Association) => {
      const span = ctx.telemetry.tracer.startSpan('dicom.association', { attributes: { 'net.peer.ip': association.remoteAddress ?? '' } });
      const log = logger.child({ assocId: association.id });
      // Recent associations and failures in admin-api (issue 7).
      const recorder = new AssociationSummaryRecorder(association);
      publishSummaryOnClose(recorder, association, bus, config.bus.streamPrefix, log);
      association.on('accepted', (ac, negotiated) => {
        associations.add(1, { outcome: 'accepted' });
        qrNegotiations.remember(ac, negotiated);
        span.setAttributes({ 'dicom.calling_ae': negotiated.callingAeTitle, 'dicom.called_ae': negotiated.calledAeTitle });
        log.info({ callingAe: negotiated.callingAeTitle, calledAe: negotiated.calledAeTitle, peer: association.remoteAddress }, 'association accepted');
      });
      association.on('rejected', (rj) => {
        associations.add(1, { outcome: 'rejected' });
        log.warn({ result: rj.result, source: rj.source, reason: rj.reason, peer: association.remoteAddress }, 'association rejected');
      });
      association.on('aborted', (info) => {
        associations.add(1, { outcome: 'aborted' });
        log.warn({ abort: info }, 'association aborted');
      });
      association.on('released', () => log.info({ stats: association.stats }, 'association released'));
      association.once('close', () => span.end());
      serveDimse(association, recorder.observe(handlers(span)), {
        storeFailureStatus: config.ingest.storageFailureStatus,
        pendingIntervalMs: config.qr.pendingIntervalMs,
        onHandlerError: (err, service) => log.error({ err, service }, 'DIMSE handler failed'),
      });
    };

    const servers: DicomServer[] = [];
    const common = {
      host: config.dicom.host,
      maxAssociations: config.dicom.maxAssociations,
      policy,
      maxPduLength: config.dicom.maxPduLength,
      idleTimeoutMs: config.dicom.idleTimeoutMs,
      artimTimeoutMs: config.dicom.artimTimeoutMs,
      // Associations get most of the drain; the rest is left for the steps after (bus, probes).
      closeGraceMs: Math.floor(config.shutdownTimeoutMs * 0.8),
    };
    const plain = new DicomServer({ ...common, port: config.dicom.port });
    servers.push(plain);
    const { tls } = config.dicom;
    if (tls.enabled) {
      servers.push(new DicomServer({
        ...common,
        port: tls.port,
        tls: {
          key: readFileSync(tls.keyFile as string),
          cert: readFileSync(tls.certFile as string),
          ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
          requireClientCertificate: tls.requireClientCert,
        },
      }));
    }
    // Before the port opens, so a readiness probe passes only once the receive path is compiled.
    // A failed warm-up costs speed, not service: the listener opens all the same.
    try {
      const warmUp = await warmUpStorePath({ instances: config.dicom.warmUpInstances });
      if (warmUp.instances > 0) logger.info({ ...warmUp, ms: Math.round(warmUp.ms) }, 'DICOM receive path warmed up');
    } catch (err) {
      logger.warn({ err }, 'DICOM warm-up failed; listening with a cold receive path');
    }
    for (const server of servers) {
      server.on('association', onAssociation);
      server.on('error', (err) => logger.warn({ err }, 'DICOM server error'));
      const address = await server.listen();
      logger.info({ port: address.port, tls: server === plain ? false : true, aeTitle: config.dicom.aeTitle }, 'DICOM listening');
    }
    // Drain (ARCHITECTURE.md): stop accepting on every port at once, let running associations
    // finish, bounded. (One step per server would leave the TLS port open while the plain one drains.)
    ctx.shutdown.onShutdown('DICOM servers', async () => {
      const running = servers.reduce((n, s) => n + s.activeAssociations, 0);
      logger.info({ running }, 'DICOM draining: no new associations, waiting for the running ones');
      await Promise.all(servers.map((s) => s.close()));
      logger.info('DICOM drained');
    });
  },
};

async function traced(ctx: ServiceContext, parent: Span, name: string, attributes: Record<string, string>, run: () => Promise<DimseOutcome>): Promise<DimseOutcome> {
  return ctx.telemetry.tracer.startActiveSpan(name, { attributes }, trace.setSpan(context.active(), parent), async (span) => {
    try {
      const outcome = await run();
      span.setAttribute('dicom.status', outcome.status);
      if (outcome.status !== Status.Success) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorComment ?? '' });
      return outcome;
    } finally {
      span.end();
    }
  });
}
