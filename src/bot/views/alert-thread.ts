import {
  type AlertGroup,
  alertLine,
  firingAlerts,
  type GroupAlert,
  type GroupChanges,
  groupTitle,
} from '../../alerts/alert-group.js';
import {
  type Block,
  context,
  escapeMrkdwn,
  fields,
  header,
  plain,
  type SlackMessage,
  section,
} from './primitives.js';

export const alertActions = {
  acknowledge: 'n3r_alert_ack',
  silence: 'n3r_alert_silence',
  expireSilence: 'n3r_alert_expire',
  showLogs: 'n3r_alert_logs',
} as const;

/** A message and the alerts it names (with their status then): what the channel has been told. */
export interface AlertMessage {
  message: SlackMessage;
  named: GroupAlert[];
}

/** Below Slack's observed ~13k-character ceiling on a message's blocks (bolt-js#2509), with room to spare. */
const messageBudget = 11_000;
const sectionMax = 2_900;
/** Alerts listed on the parent; the rest are told in the thread. */
const parentAlertMax = 20;

const icon = (group: AlertGroup) => (group.status === 'firing' ? ':fire:' : ':white_check_mark:');

/** The parent message of a group's thread: status, severity, summary, firing alerts, links, buttons. */
export function alertParent(group: AlertGroup, now: Date): AlertMessage {
  const firing = firingAlerts(group);
  const shown = group.status === 'firing' ? firing : Object.values(group.alerts);
  const listed = shown.slice(0, parentAlertMax);
  const { sections, used } = packLines(
    listed.map((a) => `• ${escapeMrkdwn(alertLine(group, a))}`),
    4_000,
  );
  const named = listed.slice(0, used);
  const more = shown.length - named.length;
  const title = groupTitle(group);
  const summary = group.commonAnnotations.summary ?? named[0]?.annotations.summary ?? '';
  const severity = group.commonLabels.severity ?? 'unknown';
  const statusText =
    group.status === 'firing'
      ? `FIRING: ${firing.length} alert${firing.length === 1 ? '' : 's'}`
      : 'RESOLVED';
  const blocks: Block[] = [
    header(`${group.status === 'firing' ? '🔥' : '✅'} ${statusText} · ${title}`),
    fields([
      ['Status', statusText],
      ['Severity', escapeMrkdwn(severity)],
      ['Team', escapeMrkdwn(group.route.team ?? 'unknown')],
      ['Where', escapeMrkdwn(whereOf(group))],
    ]),
  ];
  if (summary) blocks.push(section(`*Summary:* ${escapeMrkdwn(summary)}`));
  blocks.push(...sections.map(section));
  if (more > 0) blocks.push(context(`…and ${more} more, listed in the thread.`));
  if (group.truncatedAlerts > 0) {
    blocks.push(context(`Alertmanager left out ${group.truncatedAlerts} alerts of this group (max_alerts).`));
  }
  // The group's id is what `/n3r alert ack <group>` takes.
  blocks.push(context([linksOf(group, named), `group ${group.id}`].filter(Boolean).join(' · ')));
  blocks.push(...stateLines(group, now).map(context));
  blocks.push({
    type: 'actions',
    elements: [
      { type: 'button', action_id: alertActions.acknowledge, text: plain('Acknowledge'), value: group.id },
      { type: 'button', action_id: alertActions.silence, text: plain('Silence…'), value: group.id },
      ...(group.commonLabels.namespace && group.route.cluster
        ? [
            {
              type: 'button' as const,
              action_id: alertActions.showLogs,
              text: plain('Show logs'),
              value: group.id,
            },
          ]
        : []),
      ...activeSilences(group, now)
        .slice(-3)
        .map((s, i) => ({
          type: 'button' as const,
          action_id: `${alertActions.expireSilence}_${i}`,
          text: plain('Expire silence'),
          style: 'danger' as const,
          value: `${group.id}:${s.id}`,
        })),
    ],
  });
  const text = `${icon(group)} ${statusText}: ${escapeMrkdwn(title)}${summary ? ` — ${escapeMrkdwn(summary)}` : ''}\n${named
    .map((a) => `• ${escapeMrkdwn(alertLine(group, a))}`)
    .join('\n')}`;
  return { message: { text: clip(text), blocks }, named };
}

/** A short reply in the thread: what changed since the channel was last told. */
export function alertReply(group: AlertGroup, changes: GroupChanges): AlertMessage {
  const lines: { line: string; alert: GroupAlert | null }[] = [];
  if (changes.newlyFiring.length > 0)
    lines.push({ line: `:fire: *Firing* (${changes.newlyFiring.length})`, alert: null });
  for (const a of changes.newlyFiring)
    lines.push({ line: `• ${escapeMrkdwn(alertLine(group, a))}`, alert: a });
  if (changes.resolved.length > 0)
    lines.push({ line: `:white_check_mark: *Resolved* (${changes.resolved.length})`, alert: null });
  for (const a of changes.resolved) lines.push({ line: `• ${escapeMrkdwn(alertLine(group, a))}`, alert: a });
  const { sections, used } = packLines(
    lines.map((l) => l.line),
    messageBudget,
  );
  const named = lines.slice(0, used).flatMap((l) => (l.alert ? [l.alert] : []));
  const allResolved = group.status === 'resolved' && used === lines.length;
  const blocks = sections.map(section);
  if (allResolved) blocks.push(section(':white_check_mark: *All alerts resolved.*'));
  const text = [
    ...lines.slice(0, used).map((l) => l.line.replaceAll('*', '')),
    ...(allResolved ? ['All alerts resolved.'] : []),
  ].join('\n');
  return { message: { text: clip(text), blocks }, named };
}

/**
 * One message for many groups, when a channel has fallen behind: each group's title and its untold changes,
 * as many as fit. Returns what it named per group.
 */
export function alertDigest(
  items: readonly { group: AlertGroup; changes: GroupChanges }[],
  waiting: number,
): { message: SlackMessage; named: Map<string, GroupAlert[]> } {
  const blocks: Block[] = [
    section(
      `:rotating_light: *Alert digest*: ${waiting} alert groups changed faster than this channel can be told one by one.`,
    ),
  ];
  const named = new Map<string, GroupAlert[]>();
  const textLines: string[] = [];
  let budget = messageBudget - 200;
  for (const { group, changes } of items) {
    if (blocks.length >= 48 || budget < 200) break;
    const entries = [
      ...changes.newlyFiring.map((a) => ({ a, line: `• firing: ${escapeMrkdwn(alertLine(group, a))}` })),
      ...changes.resolved.map((a) => ({ a, line: `• resolved: ${escapeMrkdwn(alertLine(group, a))}` })),
    ];
    // A big group may take several sections; each holds whole lines only.
    let body = `${icon(group)} *${escapeMrkdwn(groupTitle(group))}*`;
    const told: GroupAlert[] = [];
    for (const { a, line } of entries) {
      const piece = line.slice(0, sectionMax - 1);
      if (piece.length + 1 > budget) break;
      if (body.length + piece.length + 1 > sectionMax) {
        if (blocks.length >= 47) break;
        blocks.push(section(body));
        textLines.push(body.replaceAll('*', ''));
        body = '';
      }
      body = body ? `${body}\n${piece}` : piece;
      budget -= piece.length + 1;
      told.push(a);
    }
    if (told.length === 0) break;
    blocks.push(section(body));
    textLines.push(body.replaceAll('*', ''));
    named.set(group.id, told);
  }
  blocks.push(
    context('Each group keeps its own thread; threads are brought up to date when the channel catches up.'),
  );
  return {
    message: { text: clip(`Alert digest (${waiting} groups)\n${textLines.join('\n')}`), blocks },
    named,
  };
}

export const silenceFormCallback = 'n3r_alert_silence_form';

/** The Silence modal: how long and why; the matchers are the group's, shown for reference. */
export function silenceForm(group: AlertGroup, matchers: string) {
  return {
    type: 'modal' as const,
    callback_id: silenceFormCallback,
    private_metadata: JSON.stringify({ group: group.id }),
    title: plain('Silence alerts', 24),
    submit: plain('Silence', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Silence *${escapeMrkdwn(groupTitle(group))}* in Alertmanager.\nMatchers: \`${escapeMrkdwn(matchers)}\``,
      ),
      {
        type: 'input',
        block_id: 'duration',
        label: plain('For how long'),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          initial_value: '2h',
          placeholder: plain('30m, 2h, 1d'),
        },
      },
      {
        type: 'input',
        block_id: 'comment',
        label: plain('Why'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 },
      },
    ] satisfies Block[],
  };
}

function whereOf(group: AlertGroup): string {
  const l = group.commonLabels;
  const parts = [l.cluster && `cluster ${l.cluster}`, l.namespace && `namespace ${l.namespace}`].filter(
    Boolean,
  );
  return parts.length ? parts.join(', ') : 'not labelled';
}

function linksOf(group: AlertGroup, named: GroupAlert[]): string {
  const links: string[] = [];
  const source = named.find((a) => /^https?:\/\//.test(a.generatorURL))?.generatorURL;
  if (source) links.push(`<${source}|Source>`);
  const runbook = group.commonAnnotations.runbook_url;
  if (runbook && /^https?:\/\//.test(runbook)) links.push(`<${runbook}|Runbook>`);
  if (/^https?:\/\//.test(group.externalURL)) {
    const filter = `{${Object.entries(group.groupLabels)
      .map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
      .join(',')}}`;
    const base = group.externalURL.replace(/\/$/, '');
    links.push(`<${base}/#/alerts?filter=${encodeURIComponent(filter)}|Alertmanager>`);
    links.push(`<${base}/#/silences/new?filter=${encodeURIComponent(filter)}|New silence in Alertmanager>`);
  }
  return links.join(' · ');
}

export function activeSilences(group: AlertGroup, now: Date) {
  return group.silences.filter((s) => !s.expiredBy && Date.parse(s.until) > now.getTime());
}

function stateLines(group: AlertGroup, now: Date): string[] {
  const lines = group.acks.map(
    (ack, i) => `${i === 0 ? ':eyes: Acknowledged' : 'Also acknowledged'} by <@${ack.slackId}> at ${ack.at}`,
  );
  for (const s of group.silences) {
    if (s.expiredBy) lines.push(`Silence ${s.id} expired by <@${s.expiredBy}>`);
    else if (Date.parse(s.until) > now.getTime())
      lines.push(`:no_bell: Silenced by <@${s.slackId}> until ${s.until} (silence ${s.id})`);
  }
  return lines.slice(-8);
}

/** Lines joined into sections of at most ~2,900 characters, within `budget` in all; how many lines fit. */
function packLines(lines: string[], budget: number): { sections: string[]; used: number } {
  const sections: string[] = [];
  let current = '';
  let total = 0;
  let used = 0;
  for (const line of lines) {
    const piece = line.length > sectionMax ? `${line.slice(0, sectionMax - 1)}…` : line;
    if (total + piece.length + 1 > budget) break;
    if (current && current.length + piece.length + 1 > sectionMax) {
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
    total += piece.length + 1;
    used += 1;
  }
  if (current) sections.push(current);
  return { sections, used };
}

function clip(text: string): string {
  return text.length <= 3_000 ? text : `${text.slice(0, 2_999)}…`;
}
