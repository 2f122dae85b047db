export { formatElapsed } from './format-elapsed';
export { JobProgress, type JobProgressView } from './job-progress';
export { ToastHost } from './toast-host';
export { ToastService, type Toast, type ToastKind } from './toast-service';
