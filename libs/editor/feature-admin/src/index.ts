export { adminRoutes } from './admin-routes';
export { FlagsPage } from './flags-page';
export { OperationsPage } from './operations-page';
