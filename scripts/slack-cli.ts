// `npm run slack -- [--as <user>] [--channel <name>] "/n3r …"`: types a slash command into the local
// workspace that `npm start` runs, then follows what the bot answers until the request settles.
// `npm run slack -- --as bob --approve r-…` (or --reject) clicks the button on that request's approval prompt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type {
  EmulatedWorkspace,
  EphemeralMessage,
  StoredMessage,
} from '../devtools/slack-emulator/slack-emulator.js';
import { projectRoot } from './local-stack/stack.js';

interface State {
  workspace: EmulatedWorkspace;
  messages: StoredMessage[];
  ephemerals: EphemeralMessage[];
}

const { values, positionals } = parseArgs({
  options: {
    as: { type: 'string', default: 'alice' },
    channel: { type: 'string', default: 'team-a' },
    approve: { type: 'string' },
    reject: { type: 'string' },
  },
  allowPositionals: true,
});
const typed = positionals.join(' ').trim();
if (!typed.startsWith('/n3r') && !values.approve && !values.reject) {
  console.error('usage: npm run slack -- [--as alice|bob|carol|mallory] [--channel team-a] "/n3r <command>"');
  process.exit(2);
}

let emulatorUrl: string;
try {
  emulatorUrl = (
    JSON.parse(readFileSync(join(projectRoot, '.n3r/local.json'), 'utf8')) as { emulatorUrl: string }
  ).emulatorUrl;
} catch {
  console.error('The local workspace is not running: start it with `npm start` in another terminal.');
  process.exit(1);
}

const state = async (): Promise<State> =>
  (await (await fetch(`${emulatorUrl}/_emulator/state`)).json()) as State;
const before = await state().catch(() => {
  console.error(`The local workspace at ${emulatorUrl} does not answer: is \`npm start\` still running?`);
  process.exit(1);
});
const user = before.workspace.users.find((u) => u.name === values.as || u.id === values.as);
const channel = before.workspace.channels.find((c) => c.name === values.channel || c.id === values.channel);
if (!user || !channel) {
  console.error(
    `Unknown user or channel. Users: ${before.workspace.users.map((u) => u.name).join(', ')}; channels: ${before.workspace.channels.map((c) => c.name).join(', ')}`,
  );
  process.exit(2);
}

const decision = values.approve ?? values.reject;
if (decision) {
  // The approval prompt of that request, in whichever channel it was posted.
  const prompt = before.messages.find(
    (m) => m.threadTs === null && m.text.startsWith(`Approval needed: `) && m.text.includes(decision),
  );
  if (!prompt) {
    console.error(`No approval prompt for ${decision}.`);
    process.exit(1);
  }
  const actionId = values.approve ? 'n3r_approve' : 'n3r_reject';
  const clicked = await fetch(`${emulatorUrl}/_emulator/click`, {
    method: 'POST',
    body: JSON.stringify({ user: user.id, channel: prompt.channel, ts: prompt.ts, actionId }),
  });
  const answer = (await clicked.json()) as { error?: string };
  if (answer.error) console.error(answer.error);
  if (values.reject)
    console.log('A reject asks for a reason in a modal: try it in the tests or the browser workspace.');
} else {
  const response = await fetch(`${emulatorUrl}/_emulator/command`, {
    method: 'POST',
    body: JSON.stringify({ text: typed.replace(/^\/n3r\s*/, ''), user: user.id, channel: channel.id }),
  });
  const { delivery } = (await response.json()) as { delivery: { status: number; body: string } };
  if (delivery.status !== 200)
    console.log(`Slack delivery answered HTTP ${delivery.status}: ${delivery.body}`);
}

// Follow: print each new ephemeral answer, card version and thread reply until the card settles.
const printed = new Set<string>();
const settled = /Done|Failed|Rejected|Expired|Cancelled|Waiting for approval/;
const deadline = Date.now() + 60_000;
let card: StoredMessage | undefined;
while (Date.now() < deadline) {
  const now = await state();
  for (const e of now.ephemerals.slice(before.ephemerals.length).filter((m) => m.user === user.id)) {
    show(`only you (${user.name}) see: ${e.text}`);
  }
  card ??= now.messages
    .slice(before.messages.length)
    .find((m) => m.channel === channel.id && m.threadTs === null);
  const current = card && now.messages.find((m) => m.ts === card?.ts && m.channel === card.channel);
  if (current) {
    for (const version of current.history) show(`#${channel.name}: ${version.text}`);
    for (const reply of now.messages.filter((m) => m.threadTs === current.ts)) {
      show(`  thread: ${reply.text}`);
      for (const line of codeBlockLines(reply.blocks)) show(`    ${line}`);
    }
    // After an approval the card still waits until enough people approved: an answer to the approver ends it.
    const ephemeralAnswer = now.ephemerals.length > before.ephemerals.length;
    if (
      settled.test(current.text) &&
      !(decision && /Waiting for approval/.test(current.text) && !ephemeralAnswer)
    )
      break;
  } else if (now.ephemerals.length > before.ephemerals.length) {
    break;
  }
  await new Promise((r) => setTimeout(r, 300));
}

function show(line: string): void {
  if (printed.has(line)) return;
  printed.add(line);
  console.log(line);
}

/** The lines of a code block a reply shows (log lines), as a person reads them in Slack. */
function codeBlockLines(blocks: unknown[]): string[] {
  const text = (blocks[0] as { text?: { text?: string } } | undefined)?.text?.text ?? '';
  if (!text.startsWith('```')) return [];
  return text
    .replace(/^```\n?|\n?```$/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .split('\n');
}
