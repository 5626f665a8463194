import { HttpException } from '@nestjs/common';
import type { Response } from 'express';

/** An error answered as application/problem+json (RFC 9457) with this status and message. */
export class Problem extends HttpException {
  constructor(status: number, detail: string) {
    super(detail, status);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 406: 'Not Acceptable', 409: 'Conflict', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 501: 'Not Implemented', 503: 'Service Unavailable',
};

export function httpTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/** For code outside Nest's exception filters (Express middleware). */
export function sendProblem(res: Response, status: number, detail: string, instance: string): void {
  res.status(status).type('application/problem+json').json({ type: 'about:blank', title: httpTitle(status), status, detail, instance });
}

/** limit/offset of a list request: integers, limit 1..max (default `fallback`), offset >= 0. */
export function paging(query: Record<string, unknown>, fallback = 50, max = 1000): { limit: number; offset: number } {
  const int = (name: string, value: unknown, min: number, upper: number, dflt: number): number => {
    if (value === undefined || value === '') return dflt;
    const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || n > upper) throw new Problem(400, `${name} must be an integer from ${min} to ${upper}`);
    return n;
  };
  return { limit: int('limit', query['limit'], 1, max, fallback), offset: int('offset', query['offset'], 0, 1_000_000_000, 0) };
}

/** An optional single string query parameter (a repeated one is refused). */
export function textParam(query: Record<string, unknown>, name: string, max = 256): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new Problem(400, `${name} must be given once, as text`);
  if (v.length > max) throw new Problem(400, `${name} is longer than ${max} characters`);
  return v;
}

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** A UID from the path, checked (PS3.5 §9.1: digits and dots, no leading zeros, at most 64 characters). */
export function uidParam(value: string, what: string): string {
  if (value.length === 0 || value.length > 64 || !UID.test(value)) throw new Problem(400, `${what} ${JSON.stringify(value.slice(0, 80))} is not a valid UID (PS3.5 §9.1)`);
  return value;
}
