import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/auth';
import { OPENAPI_DOCUMENT } from './openapi-document';

/** The API's description, readable without a token (it holds no data). */
@Controller('api')
export class OpenApiController {
  @Get('openapi.json')
  @Public()
  document(): typeof OPENAPI_DOCUMENT {
    return OPENAPI_DOCUMENT;
  }
}
