import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkBlocks } from '../../../devtools/slack-emulator/block-kit-limits.js';
import {
  type AlertGroup,
  groupIdOf,
  markTold,
  mergeNotification,
  needsWork,
  untoldChanges,
} from '../../../src/alerts/alert-group.js';
import type { AlertmanagerPayload, WebhookAlert } from '../../../src/alerts/webhook-payload.js';
import { parseWebhookPayload } from '../../../src/alerts/webhook-payload.js';
import { alertDigest, alertParent, alertReply } from '../../../src/bot/views/alert-thread.js';

const route = { channel: 'C0TEAMA', team: 'team-a', cluster: 'pub-kr1-a' };
const now = new Date('2026-11-30T10:00:00Z');

function alert(
  instance: string,
  status: 'firing' | 'resolved' = 'firing',
  startsAt = '2026-11-30T09:00:00Z',
): WebhookAlert {
  return {
    status,
    labels: { alertname: 'HighLatency', team: 'team-a', instance },
    annotations: { summary: 'slow' },
    startsAt,
    endsAt: status === 'resolved' ? '2026-11-30T09:30:00Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/g',
    fingerprint: createHash('sha256').update(instance).digest('hex').slice(0, 16),
  };
}

function payload(alerts: WebhookAlert[]): AlertmanagerPayload {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighLatency", team="team-a"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'n3r',
    groupLabels: { alertname: 'HighLatency', team: 'team-a' },
    commonLabels: { alertname: 'HighLatency', team: 'team-a' },
    commonAnnotations: { summary: 'slow' },
    externalURL: 'http://alertmanager.example',
    alerts,
  };
}

const merged = (group: AlertGroup | null, alerts: WebhookAlert[]) => {
  const next = mergeNotification(group, payload(alerts), route, now);
  if (!next) throw new Error('expected a change');
  return next;
};

describe('alert groups', () => {
  it('changes nothing when the same notification comes twice (a retry, or two replicas)', () => {
    const group = merged(null, [alert('a'), alert('b')]);
    expect(group.id).toBe(groupIdOf(payload([]).groupKey));
    expect(mergeNotification(group, payload([alert('a'), alert('b')]), route, now)).toBeNull();
  });

  it('tells each alert once as firing and once as resolved', () => {
    let group = merged(null, [alert('a')]);
    expect(untoldChanges(group).newlyFiring.map((a) => a.labels.instance)).toEqual(['a']);
    group = markTold(group, untoldChanges(group).newlyFiring);
    group = merged(group, [alert('a'), alert('b')]);
    expect(untoldChanges(group).newlyFiring.map((a) => a.labels.instance)).toEqual(['b']);
    group = markTold(group, untoldChanges(group).newlyFiring);
    group = merged(group, [alert('a', 'resolved'), alert('b')]);
    expect(untoldChanges(group).resolved.map((a) => a.labels.instance)).toEqual(['a']);
    expect(group.status).toBe('firing');
    group = merged(group, [alert('b', 'resolved')]);
    expect(group.status).toBe('resolved');
  });

  it('ignores a late firing notice of an alert already resolved, but not a re-fire', () => {
    const resolved = merged(null, [alert('a', 'resolved')]);
    expect(mergeNotification(resolved, payload([alert('a')]), route, now)).toBeNull();
    const refired = merged(resolved, [alert('a', 'firing', '2026-11-30T09:45:00Z')]);
    expect(refired.status).toBe('firing');
  });

  it('needs a thread, then a redraw after a change, then nothing', () => {
    let group = merged(null, [alert('a')]);
    expect(needsWork(group)).toBe(true);
    const parent = alertParent(group, now);
    group = {
      ...markTold(group, parent.named),
      thread: { channel: 'C0TEAMA', ts: '1.1' },
      drawn: group.revision,
    };
    expect(needsWork(group)).toBe(false);
    group = { ...group, acks: [{ slackId: 'UCAROL', at: now.toISOString() }], revision: group.revision + 1 };
    expect(needsWork(group)).toBe(true);
  });

  it('keeps the parent, replies and digests within Slack limits however many alerts fire, naming only what it shows', () => {
    const many = Array.from({ length: 600 }, (_, i) =>
      alert(`host-${String(i).padStart(4, '0')}-${'x'.repeat(40)}`),
    );
    const group = merged(null, many);
    const parent = alertParent(group, now);
    expect(checkBlocks(parent.message.blocks, 50)).toBeNull();
    expect(parent.named).toHaveLength(20);
    expect(JSON.stringify(parent.message.blocks)).toContain('and 580 more');
    const reply = alertReply(group, untoldChanges(markTold(group, parent.named)));
    expect(checkBlocks(reply.message.blocks, 50)).toBeNull();
    expect(JSON.stringify(reply.message.blocks).length).toBeLessThan(13_000);
    for (const a of reply.named) expect(JSON.stringify(reply.message.blocks)).toContain(a.labels.instance);
    const digest = alertDigest([{ group, changes: untoldChanges(group) }], 1);
    expect(checkBlocks(digest.message.blocks, 50)).toBeNull();
    const named = digest.named.get(group.id) ?? [];
    expect(named.length).toBeGreaterThan(50);
    for (const a of named) expect(JSON.stringify(digest.message.blocks)).toContain(a.labels.instance);
  });

  it('reads a version-4 payload and lists every problem of a bad one', () => {
    const good = parseWebhookPayload(Buffer.from(JSON.stringify(payload([alert('a')]))));
    expect(good.ok).toBe(true);
    const bad = parseWebhookPayload(Buffer.from(JSON.stringify({ version: '4', alerts: [{}] })));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems).toContain('groupKey: Invalid input: expected string, received undefined');
      expect(bad.problems.some((p) => p.startsWith('alerts[0].fingerprint'))).toBe(true);
    }
  });
});
