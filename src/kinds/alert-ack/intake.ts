import type { KindIntake } from '../define.js';
import type { AlertAckParams } from './params.js';

/**
 * Acknowledges an alert group: the person says they are on it, and its thread's parent shows who and when.
 * Usually asked with the Acknowledge button on the alert thread; the cluster is the group's.
 * Example: `/n3r alert ack 5f2c0d9e4b7a41c3a8e6d0f1b2c3d4e5`
 */
export const alertAckIntake = {
  command: ['alert', 'ack'],
  positional: ['group'],
  usage: '/n3r alert ack <group> [--cluster <cluster>]',
  summary: 'acknowledge an alert group: its thread shows who is on it (or use the Acknowledge button)',
  describe: (p) => `acknowledge alert group ${p.group} on ${p.cluster}`,
} satisfies KindIntake<AlertAckParams>;
