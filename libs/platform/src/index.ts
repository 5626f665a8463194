export { configSchema, forwardRuleSchema, type RawConfig } from './config/schema';
export { loadConfig, redactConfig, type PacsConfig, type LoadConfigInput } from './config/load-config';
export { ConfigError } from './config/config-error';
export { createLogger, type Logger } from './logging/logger';
export { startTelemetry, type Telemetry } from './telemetry/telemetry';
export { HealthRegistry, type HealthCheck, type HealthReport } from './health/health';
export { startProbeServer } from './health/probe-server';
export { Shutdown } from './lifecycle/shutdown';
