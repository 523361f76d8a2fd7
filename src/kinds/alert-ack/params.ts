import { z } from 'zod';
import { alertGroupId } from '../params/alert.js';
import { clusterName } from '../params/text.js';

export const alertAckParams = z.strictObject({
  /** The cluster of the group's alerts; asked from Slack, the bot takes it from the group. */
  cluster: clusterName,
  group: alertGroupId,
});

export type AlertAckParams = z.output<typeof alertAckParams>;
