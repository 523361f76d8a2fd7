import type { KindIntake } from '../define.js';
import type { AlertUnsilenceParams } from './params.js';

/**
 * Expires a silence made from an alert thread, before its time, so its alerts are notified again. Usually
 * asked with the Expire silence button on the alert thread; the group and cluster are the silence's.
 * Example: `/n3r alert unsilence 0f3c6a52-8d1e-4b7a-9c2d-1e5f6a7b8c9d`
 */
export const alertUnsilenceIntake = {
  command: ['alert', 'unsilence'],
  positional: ['silence'],
  usage: '/n3r alert unsilence <silence> [--group <alert-group-id>] [--cluster <cluster>]',
  summary: 'expire a silence made from an alert thread (or use the Expire silence button)',
  describe: (p) => `expire silence ${p.silence} on ${p.cluster}`,
} satisfies KindIntake<AlertUnsilenceParams>;
