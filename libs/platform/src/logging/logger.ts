import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import type { PacsConfig } from '../config/load-config';

export type { Logger } from 'pino';

/**
 * JSON-lines logger for one service. Every line carries the service name and, inside an
 * OpenTelemetry span, its trace and span ids, so a log line can be joined to its trace.
 * Per-association and per-message ids are added with `logger.child({ assocId })`.
 */
export function createLogger(log: PacsConfig['log'], service: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level: log.level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: ['*.password', '*.secretKey', '*.token', 'password', 'secretKey', 'token'], censor: '***' },
    mixin() {
      const ctx = trace.getActiveSpan()?.spanContext();
      return ctx ? { traceId: ctx.traceId, spanId: ctx.spanId } : {};
    },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
