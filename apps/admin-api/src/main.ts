import { main } from '@pacs/runtime';
import { adminApiService } from '@pacs/service-admin-api';

main('admin-api', [adminApiService]);
