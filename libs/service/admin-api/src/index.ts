export { adminApiService } from './admin-api.service';
