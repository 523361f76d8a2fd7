import { z } from 'zod';
import { listIssues } from '../config/schema-errors.js';

const labelSet = z.record(z.string(), z.string());

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.string().min(1),
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be the hexadecimal fingerprint Alertmanager sends'),
});

/**
 * Alertmanager's webhook body, version 4 (notify/webhook Message + template.Data). Fields newer than the
 * Alertmanager we run (`notification_reason`, `routeLabels`) are optional and not used.
 */
const payloadSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (Alertmanager webhook version 4)' }),
  groupKey: z.string().min(1).max(8192),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  alerts: z.array(alertSchema).min(1, 'must hold at least one alert'),
});

export type AlertmanagerPayload = z.output<typeof payloadSchema>;
export type WebhookAlert = AlertmanagerPayload['alerts'][number];

/** The payload, or every problem with it, for a 400 answer. */
export function parseWebhookPayload(
  body: Buffer,
): { ok: true; payload: AlertmanagerPayload } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, problems: ['the body is not JSON'] };
  }
  const parsed = payloadSchema.safeParse(json);
  return parsed.success
    ? { ok: true, payload: parsed.data }
    : { ok: false, problems: listIssues(parsed.error) };
}
