/** The logging shape the adapters need; a pino logger fits it as is. */
export interface BusLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

const ignore = (): void => undefined;

export const silentLogger: BusLogger = { info: ignore, warn: ignore, error: ignore, debug: ignore };
