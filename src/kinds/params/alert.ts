import { text } from './text.js';

/** An alert group's id, as its thread's buttons carry it (32 hex digits). */
export const alertGroupId = text().regex(/^[0-9a-f]{32}$/, 'must be an alert group id (32 hex digits)');

/** An Alertmanager silence id (a UUID). */
export const silenceId = text().regex(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'must be an Alertmanager silence id (a UUID)',
);
