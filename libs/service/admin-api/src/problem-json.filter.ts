import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@pacs/platform';
import type { Request, Response } from 'express';
import { httpTitle } from './http-problem';

/** Every error leaves as application/problem+json (RFC 9457), never a stack trace. */
@Catch()
export class ProblemJsonFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    // Already streaming (a WADO-RS multipart answer): the status is sent; cut the connection.
    if (res.headersSent) {
      this.logger.error({ err: error }, 'response failed after its start');
      res.destroy();
      return;
    }
    const req = http.getRequest<Request>();
    const status = error instanceof HttpException ? error.getStatus() : 500;
    const detail = error instanceof HttpException ? error.message : 'internal error';
    if (status >= 500) this.logger.error({ err: error, path: req.path }, 'request failed');
    res.status(status).type('application/problem+json').json({ type: 'about:blank', title: httpTitle(status), status, detail, instance: req.originalUrl.split('?')[0] ?? req.path });
  }
}

