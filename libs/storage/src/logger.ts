// The slice of a pino logger the storage adapters use; a pino instance satisfies it as is.
export interface StorageLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

const ignore = (): void => undefined;

export const silentLogger: StorageLogger = { info: ignore, warn: ignore, error: ignore, debug: ignore };
