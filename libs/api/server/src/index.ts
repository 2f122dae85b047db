export { createApi, DEFAULT_FILE_LIMITS, type Api, type ApiOptions } from './http/create-api';
export type { ApiMetrics } from './http/api-metrics';
