export { createDashboardApp, MAX_BODY_BYTES, type DashboardAppOptions } from './app.js';
export { listenDashboard, type ListenOptions, type RunningDashboard } from './listen.js';
export type { DashboardResults, DashboardSession } from './session.js';
export { newToken } from './token.js';
export { CONTENT_SECURITY_POLICY } from './security.js';
export { STATUS_OF_CODE } from './errors.js';
