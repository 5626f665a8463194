import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, metrics as sdkMetrics, resources } from '@opentelemetry/sdk-node';
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
  if (prometheus) {
    await prometheus.startServer();
    const server = (prometheus as unknown as { _server?: import('node:http').Server })._server;
    const addr = server?.address();
    prometheusPort = addr && typeof addr === 'object' ? addr.port : config.telemetry.prometheus.port;
    logger.info({ port: prometheusPort }, 'prometheus metrics endpoint listening');
  }
  return {
    tracer: trace.getTracer(serviceName),
    meter: metrics.getMeter(serviceName),
    ...(prometheusPort === undefined ? {} : { prometheusPort }),
    async shutdown() {
      await sdk.shutdown().catch((err: unknown) => logger.warn({ err }, 'telemetry shutdown failed'));
    },
  };
}
