import { currentApprovals } from '../../core/approvals.js';
import type { Decision, PolicyAbout } from '../../core/decision.js';
import type { AuditEntry, Requester, RequestRecord } from '../../core/request.js';
import { type AnyRequestKind, allKinds } from '../../kinds/index.js';
import {
  context,
  escapeMrkdwn,
  type Mrkdwn,
  mention,
  mrkdwn,
  type SlackMessage,
  section,
} from './primitives.js';
import { cardState } from './request-card.js';

/** Commands that are not request kinds, with their usage. */
export const builtinUsage = {
  help: '/n3r help [kind]',
  status: '/n3r status <request id>',
  cancel: '/n3r cancel <request id>',
  audit: '/n3r audit <request id>',
  whoami: '/n3r whoami',
} as const;

/** A one-section message: text is escaped (people's input is never markup); our own Mrkdwn is kept. */
const text = (message: string | Mrkdwn): SlackMessage =>
  typeof message === 'string'
    ? { text: message, blocks: [section(escapeMrkdwn(message))] }
    : { text: message.markup, blocks: [section(message.markup)] };

/**
 * The ephemeral answer to a denied request: every reason, with the rule that gave it, then what each policy
 * involved allows and where to read more (from its rule package's METADATA), once per policy.
 */
export function deniedMessage(description: string, decision: Decision): SlackMessage {
  const reasons = decision.deny.map((d) => `• ${escapeMrkdwn(d.message)} \`${d.rule}\``);
  const policies = [
    ...new Map(decision.deny.flatMap((d) => (d.about ? [[d.about.url, d.about] as const] : []))).values(),
  ];
  return {
    text: `Denied: ${description}. ${decision.deny.map((d) => `${d.message} [${d.rule}]`).join('; ')}`,
    blocks: [
      section(`:no_entry: *Denied:* ${escapeMrkdwn(description)}`),
      section(reasons.join('\n')),
      ...(policies.length > 0 ? [section(policies.map(aboutPolicy).join('\n'))] : []),
      context(`Nothing was changed. policy ${decision.revision}`),
    ],
  };
}

/** One policy a denial came from: what it allows, and a link (or the repository path) to read more. */
function aboutPolicy(about: PolicyAbout): string {
  const more = /^https?:\/\//.test(about.url)
    ? `<${about.url}|Read more>`
    : `Read more in \`${escapeMrkdwn(about.url)}\``;
  return `:books: *${escapeMrkdwn(about.title)}:* ${escapeMrkdwn(about.description)} ${more}`;
}

/** The ephemeral answer to input that could not be used. */
export function usageMessage(problems: string[], usage: string | null): SlackMessage {
  const lines = problems.map((p) => `• ${escapeMrkdwn(p)}`);
  const usageText = usage ? `\nUsage: \`${escapeMrkdwn(usage)}\`` : '\nTry `/n3r help`.';
  return {
    text: `${problems.join('; ')}.${usage ? ` Usage: ${usage}` : ' Try /n3r help.'}`,
    blocks: [
      section(`:warning: That did not work:\n${lines.join('\n')}${usageText}`),
      context('Nothing was changed.'),
    ],
  };
}

export function helpMessage(topic: string | null): SlackMessage {
  const matching: readonly AnyRequestKind[] =
    topic === null
      ? allKinds
      : allKinds.filter((k) => k.id === topic || k.command.join(' ') === topic || k.command[0] === topic);
  if (topic !== null && matching.length === 0)
    return usageMessage([`no help for '${topic}'`], builtinUsage.help);
  // Slack reads `<…>` as a link or mention even in code: the usage's placeholders are escaped.
  const lines = matching.map((k) => `*${k.id}* — ${k.summary}\n\`${escapeMrkdwn(k.usage)}\``);
  if (topic === null)
    lines.push(
      `*Your requests*\n${Object.values(builtinUsage)
        .map((u) => `\`${escapeMrkdwn(u)}\``)
        .join('\n')}`,
    );
  return { text: matching.map((k) => k.usage).join('\n'), blocks: [section(lines.join('\n\n'))] };
}

export function statusMessage(record: RequestRecord): SlackMessage {
  const approvals = currentApprovals(record);
  const lines = [
    `*${record.kind} ${record.id}*: ${escapeMrkdwn(record.description)}`,
    `${cardState(record)} · requested by <@${record.requester.slackId}> on ${record.cluster.name} at ${record.createdAt}`,
  ];
  if (record.state === 'awaiting_approval') {
    lines.push(
      `Approvals: ${approvals.length} of ${record.decision.approval.count} · expires ${record.expiresAt}`,
    );
  }
  if (record.result && record.state !== 'failed') lines.push(escapeMrkdwn(record.result.summary));
  if (record.error) lines.push(`Why: ${escapeMrkdwn(record.error)}`);
  return { text: lines.join('\n'), blocks: [section(lines.join('\n'))] };
}

export function auditMessage(record: RequestRecord, trail: AuditEntry[]): SlackMessage {
  const lines = trail.map((e) => {
    const detail = Object.entries(e.detail ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const actor = e.actor === 'n3r' ? 'n3r' : `<@${e.actor}>`;
    return `\`${e.at}\` ${e.event} by ${actor} → ${e.state}${detail ? ` (${escapeMrkdwn(detail)})` : ''} · ${e.revision} · ${e.id}`;
  });
  const body = lines.join('\n');
  return {
    text: `Audit trail of ${record.id}:\n${trail.map((e) => `${e.at} ${e.event} ${e.actor} ${e.state}`).join('\n')}`,
    blocks: [section(`*Audit trail of ${record.kind} ${record.id}*`), ...chunk(body).map(section)],
  };
}

export function whoamiMessage(who: Requester): SlackMessage {
  const groups = who.groups.length ? who.groups.join(', ') : 'none';
  return text(
    mrkdwn`You are ${mention(who.slackId)} (${who.email ?? 'no e-mail'}); platform groups: ${groups}.`,
  );
}

export const notice = text;

/** Splits long text at line ends so no section exceeds Slack's 3,000 characters. */
function chunk(body: string, max = 2900): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of body.split('\n')) {
    if (current && current.length + line.length + 1 > max) {
      parts.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line.slice(0, max);
  }
  if (current) parts.push(current);
  return parts.slice(0, 45);
}
