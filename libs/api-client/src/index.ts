export { createApiClient, type ApiClient, type ApiClientOptions } from './client';
export type { components, operations, paths } from './schema';

import { type components } from './schema';
/** RFC 9457 problem details, as every error of the API is answered. */
export type Problem = components['schemas']['Problem'];
