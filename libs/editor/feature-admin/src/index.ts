export { adminRoutes } from './admin-routes';
export { FlagsPage } from './flags-page';
