export { ActivityPanel } from './activity-panel';
export { ConnectionStatus, type ConnectionState } from './connection-status';
export { formatElapsed } from './format-elapsed';
export { JobProgress, type JobProgressView } from './job-progress';
export { SecondClock } from './second-clock';
export { ToastHost } from './toast-host';
export { ToastService, type Toast, type ToastKind } from './toast-service';
