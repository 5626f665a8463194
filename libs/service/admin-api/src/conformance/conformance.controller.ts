import { Controller, Get, Inject } from '@nestjs/common';
import type { ServiceContext } from '@pacs/runtime';
import { SERVICE_CONTEXT } from '../tokens';
import { conformanceStatement, type ConformanceStatement } from './conformance-statement';

/** GET /api/conformance: what the DICOM listener accepts (SOP classes, transfer syntaxes), its AE title, ports and implementation identity. */
@Controller('api/conformance')
export class ConformanceController {
  private readonly statement: ConformanceStatement;

  constructor(@Inject(SERVICE_CONTEXT) ctx: ServiceContext) {
    // Fixed at start, like the listener's acceptance policy.
    this.statement = conformanceStatement(ctx.config);
  }

  @Get()
  get(): ConformanceStatement {
    return this.statement;
  }
}
