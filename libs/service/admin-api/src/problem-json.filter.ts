import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@pacs/platform';
import type { Request, Response } from 'express';

/** Every error leaves as application/problem+json (RFC 9457), never a stack trace. */
@Catch()
export class ProblemJsonFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const status = error instanceof HttpException ? error.getStatus() : 500;
    const detail = error instanceof HttpException ? error.message : 'internal error';
    if (status >= 500) this.logger.error({ err: error, path: req.path }, 'request failed');
    res.status(status).type('application/problem+json').json({ type: 'about:blank', title: httpTitle(status), status, detail, instance: req.path });
  }
}

function httpTitle(status: number): string {
  const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 503: 'Service Unavailable' };
  return titles[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
