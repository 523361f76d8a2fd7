import { z } from 'zod';
import { alertGroupId, silenceId } from '../params/alert.js';
import { clusterName } from '../params/text.js';

export const alertUnsilenceParams = z.strictObject({
  /** The cluster of the silenced alerts; asked from Slack, the bot takes it from the silence's group. */
  cluster: clusterName,
  silence: silenceId,
  /** The alert group the silence was made from; asked from Slack, the bot finds it from the silence. */
  group: alertGroupId.optional(),
});

export type AlertUnsilenceParams = z.output<typeof alertUnsilenceParams>;
