import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, metrics as sdkMetrics, resources } from '@opentelemetry/sdk-node';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { PacsConfig } from '../config/load-config';

export interface Telemetry {
  tracer: Tracer;
  meter: Meter;
  /** Port the Prometheus endpoint listens on, when enabled. */
  prometheusPort?: number;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK once per process: traces (OTLP exporter only when
 * telemetry.otlpEndpoint is set), metrics on a Prometheus endpoint (telemetry.prometheus)
 * and optionally pushed over OTLP. Without an endpoint, spans are still created so that log
 * lines carry trace ids and correlation works inside one process.
 */
export async function startTelemetry(config: PacsConfig, service: string, logger: Logger): Promise<Telemetry> {
  const serviceName = config.telemetry.serviceName ?? `pacs-${service}`;
  const readers: sdkMetrics.MetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (config.telemetry.prometheus.enabled) {
    prometheus = new PrometheusExporter({
      host: config.telemetry.prometheus.host,
      port: config.telemetry.prometheus.port,
      preventServerStart: true,
    });
    readers.push(prometheus);
  }
  const otlp = config.telemetry.otlpEndpoint?.replace(/\/$/, '');
  if (otlp) {
    readers.push(new sdkMetrics.PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${otlp}/v1/metrics` }) }));
  }
  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'pacs' }),
    ...(otlp ? { traceExporter: new OTLPTraceExporter({ url: `${otlp}/v1/traces` }) } : { spanProcessors: [] }),
    metricReaders: readers,
    instrumentations: [],
  });
  sdk.start();
  let prometheusPort: number | undefined;
  let metricsServer: Server | undefined;
  if (prometheus) {
    // Our own HTTP server around the exporter's handler: the exporter's server cannot bind
    // port 0 (it treats 0 as "use the default 9464"), which tests and side-by-side runs need.
    const exporter = prometheus;
    metricsServer = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve, reject) => {
      metricsServer?.once('error', reject);
      metricsServer?.listen(config.telemetry.prometheus.port, config.telemetry.prometheus.host, () => resolve());
    });
    prometheusPort = (metricsServer.address() as AddressInfo).port;
    logger.info({ port: prometheusPort }, 'prometheus metrics endpoint listening');
  }
  return {
    tracer: trace.getTracer(serviceName),
    meter: metrics.getMeter(serviceName),
    ...(prometheusPort === undefined ? {} : { prometheusPort }),
    async shutdown() {
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      await sdk.shutdown().catch((err: unknown) => logger.warn({ err }, 'telemetry shutdown failed'));
    },
  };
}
