import { createHash } from 'node:crypto';
import type { MessageRef } from '../core/request.js';
import type { AlertmanagerPayload } from './webhook-payload.js';

export type AlertStatus = 'firing' | 'resolved';

/** One alert of a group, as the latest notification described it. */
export interface GroupAlert {
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export interface Acknowledgement {
  slackId: string;
  at: string;
}

export interface GroupSilence {
  id: string;
  slackId: string;
  until: string;
  requestId: string;
  /** Set when the silence was expired from the thread. */
  expiredBy?: string;
}

/** Where a group's messages go, decided on its first notification and kept for its life. */
export interface AlertRoute {
  channel: string;
  team: string | null;
  cluster: string | null;
}

/** An Alertmanager alert group (one `groupKey`) and its Slack thread. */
export interface AlertGroup {
  /** sha256 of the groupKey: the group's id in Redis keys and button values. */
  id: string;
  groupKey: string;
  status: AlertStatus;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  truncatedAlerts: number;
  route: AlertRoute;
  alerts: Record<string, GroupAlert>;
  /** Per alert, the status it had when a message last named it: what the channel already knows. */
  told: Record<string, AlertStatus>;
  /** The parent message; null until it is posted. */
  thread: MessageRef | null;
  /** Bumped on every change the parent shows; `drawn` is the revision the parent shows now. */
  revision: number;
  drawn: number;
  acks: Acknowledgement[];
  silences: GroupSilence[];
  createdAt: string;
  updatedAt: string;
}

/** The id of a group: a Redis-safe hash of its groupKey (which is long and full of quotes). */
export function groupIdOf(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex').slice(0, 32);
}

/**
 * The group after a notification: alerts are merged by fingerprint, so a notification delivered twice (a
 * retry, or two bot replicas) changes nothing the second time. Null when nothing changed.
 */
export function mergeNotification(
  group: AlertGroup | null,
  payload: AlertmanagerPayload,
  route: AlertRoute,
  now: Date,
): AlertGroup | null {
  const at = now.toISOString();
  const base: AlertGroup = group ?? {
    id: groupIdOf(payload.groupKey),
    groupKey: payload.groupKey,
    status: payload.status,
    groupLabels: payload.groupLabels,
    commonLabels: payload.commonLabels,
    commonAnnotations: payload.commonAnnotations,
    externalURL: payload.externalURL,
    truncatedAlerts: payload.truncatedAlerts,
    route,
    alerts: {},
    told: {},
    thread: null,
    revision: 0,
    drawn: 0,
    acks: [],
    silences: [],
    createdAt: at,
    updatedAt: at,
  };
  const alerts = { ...base.alerts };
  let changed = group === null;
  let shown = group === null;
  for (const alert of payload.alerts) {
    const known = alerts[alert.fingerprint];
    // A late firing notice of an alert already seen resolved (same start) is stale; a re-fire starts anew.
    const stale =
      known?.status === 'resolved' &&
      alert.status === 'firing' &&
      Date.parse(alert.startsAt) <= Date.parse(known.startsAt);
    if (stale || (known && known.status === alert.status && known.endsAt === alert.endsAt)) continue;
    // A firing alert's endsAt moves forward at every re-send: kept, but nothing to redraw.
    if (!known || known.status !== alert.status) shown = true;
    alerts[alert.fingerprint] = { ...alert };
    changed = true;
  }
  const status: AlertStatus = Object.values(alerts).some((a) => a.status === 'firing')
    ? 'firing'
    : 'resolved';
  if (!changed && status === base.status) return null;
  return {
    ...base,
    status,
    commonLabels: payload.commonLabels,
    commonAnnotations: payload.commonAnnotations,
    truncatedAlerts: payload.truncatedAlerts,
    alerts,
    revision: shown || status !== base.status ? base.revision + 1 : base.revision,
    updatedAt: at,
  };
}

/** What the channel has not been told yet about a group's alerts. */
export interface GroupChanges {
  newlyFiring: GroupAlert[];
  resolved: GroupAlert[];
}

export function untoldChanges(group: AlertGroup): GroupChanges {
  const all = Object.values(group.alerts).sort(byStart);
  return {
    newlyFiring: all.filter((a) => a.status === 'firing' && group.told[a.fingerprint] !== 'firing'),
    // Resolved before anyone was told it fired counts too: no alert goes unmentioned.
    resolved: all.filter((a) => a.status === 'resolved' && group.told[a.fingerprint] !== 'resolved'),
  };
}

export const hasChanges = (c: GroupChanges) => c.newlyFiring.length + c.resolved.length > 0;

/** Whether the group still needs a Slack message: a parent, a change to tell, or a redraw. */
export function needsWork(group: AlertGroup): boolean {
  return group.thread === null || group.drawn < group.revision || hasChanges(untoldChanges(group));
}

/** Records that a message named these alerts with the status they have now. */
export function markTold(group: AlertGroup, told: readonly GroupAlert[]): AlertGroup {
  const next = { ...group.told };
  for (const alert of told) next[alert.fingerprint] = alert.status;
  return { ...group, told: next };
}

export function firingAlerts(group: AlertGroup): GroupAlert[] {
  return Object.values(group.alerts)
    .filter((a) => a.status === 'firing')
    .sort(byStart);
}

/** The group's name for people: its alertname and the group labels that tell it apart. */
export function groupTitle(group: AlertGroup): string {
  const name = group.groupLabels.alertname ?? group.commonLabels.alertname ?? 'alert';
  const rest = Object.entries(group.groupLabels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`);
  return rest.length ? `${name} (${rest.join(', ')})` : name;
}

/** An alert in one line: the labels that set it apart from the rest of its group. */
export function alertLine(group: AlertGroup, alert: GroupAlert): string {
  const own = Object.entries(alert.labels)
    .filter(
      ([k, v]) => group.groupLabels[k] === undefined && !(k === 'severity' && group.commonLabels[k] === v),
    )
    .map(([k, v]) => `${k}=${v}`);
  const summary = alert.annotations.summary;
  const name = own.length ? own.join(' ') : (alert.labels.alertname ?? alert.fingerprint);
  return summary && summary !== group.commonAnnotations.summary ? `${name} — ${summary}` : name;
}

function byStart(a: GroupAlert, b: GroupAlert): number {
  return a.startsAt.localeCompare(b.startsAt) || a.fingerprint.localeCompare(b.fingerprint);
}
