import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-types.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { freePort } from '../../scripts/local-stack/processes.js';
import { type Harness, startHarness } from '../support/harness.js';
import { type AccessLine, seedAccessLogs, seedAuditDocs, uniqueNamespace } from '../support/log-seeds.js';

// Assembled at run time so that no secret-shaped literal sits in the source.
const leakedToken = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');

/** `/n3r logs` from Slack to the log stores and back into the request's thread. */
describe('log queries from Slack', () => {
  const stack = inject('stack');
  let h: Harness;
  const ours = uniqueNamespace('team-a');
  const big = uniqueNamespace('team-a');
  const theirs = uniqueNamespace('team-b');
  const now = Date.now();
  const ago = (minutes: number) => new Date(now - minutes * 60_000);

  async function ownedNamespace(name: string, team: string): Promise<void> {
    await h.admin.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'n3r.io/team': team } } },
      { fieldManager: 'e2e-logs' },
    );
  }

  /** Runs `/n3r <text>` (as alice unless told) and waits for the card of that namespace to settle. */
  async function ask(
    text: string,
    namespace: string,
    user: string = people.requester,
  ): Promise<{ card: StoredMessage; replies: () => StoredMessage[] }> {
    const before = h.emulator.channelMessages(channels.team).length;
    await h.emulator.slashCommand({ text, user, channel: channels.team });
    const card = await h.emulator.waitFor(
      `the card of '${text}' to settle`,
      () =>
        h.emulator
          .channelMessages(channels.team)
          .slice(before)
          .find(
            (m) =>
              m.text.startsWith('logs.query ') && m.text.includes(namespace) && /Done|Failed/.test(m.text),
          ),
      60_000,
    );
    return { card, replies: () => h.emulator.threadReplies(card.channel, card.ts) };
  }

  /** The ephemeral answer alice gets after `before` answers. */
  async function answerTo(text: string): Promise<string> {
    const before = h.emulator.ephemeralsFor(people.requester).length;
    await h.emulator.slashCommand({ text, user: people.requester, channel: channels.team });
    const answer = await h.emulator.waitFor(`an answer to '${text}'`, () =>
      h.emulator.ephemeralsFor(people.requester).at(before),
    );
    return `${answer.text}\n${JSON.stringify(answer.blocks)}`;
  }

  beforeAll(async () => {
    h = await startHarness({ mode: 'socket' });
    await ownedNamespace(ours, 'team-a');
    await ownedNamespace(big, 'team-a');
    await ownedNamespace(theirs, 'team-b');
    const web = { namespace: ours, app: 'web', pod: 'web-1', container: 'nginx' };
    const lines: AccessLine[] = [
      { ...web, time: ago(50), message: 'GET /health 200' },
      { ...web, time: ago(40), message: `POST /login 200 ${leakedToken} <!channel> & more` },
      { ...web, time: ago(30), message: 'GET /api 500 upstream timeout' },
      { ...web, app: 'worker', pod: 'worker-1', container: 'app', time: ago(20), message: 'job done' },
      { ...web, time: ago(120), message: 'two hours ago' },
      { ...web, namespace: theirs, time: ago(35), message: 'secret of team b' },
    ];
    for (let i = 0; i < 120; i++)
      lines.push({
        namespace: big,
        app: 'load',
        pod: 'load-1',
        container: 'app',
        time: ago(30 - i / 10),
        message: `request ${i} served`,
      });
    await seedAccessLogs(stack.victoriaLogsUrl, lines);
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it("answers with the lines of the requester's namespace in the card's thread, secrets masked", async () => {
    const { card, replies } = await ask(`logs ${ours} --cluster pub-local-a`, ours);
    expect(card.text).toContain('Done');
    const answer = await h.emulator.waitFor('the lines in the thread', () =>
      replies().find((m) => m.text.includes('line(s)')),
    );
    const summary = replies().find((m) => m.text.startsWith(':white_check_mark:'));
    expect(summary?.text).toMatch(
      /^:white_check_mark: 4 lines of access logs of team-a-\w+ from \S+ to \S+$/,
    );
    const block = JSON.stringify(answer.blocks);
    expect(block).toContain('job done');
    expect(block).toContain('GET /api 500 upstream timeout');
    expect(block).not.toContain('two hours ago');
    expect(block).not.toContain('secret of team b');
    expect(block).not.toContain(leakedToken);
    expect(block).toContain('xoxb-[masked]');
    // Slack markup in a log line is shown, not acted on.
    expect(block).toContain('&lt;!channel&gt; &amp; more');
    expect(block.indexOf('job done')).toBeLessThan(block.indexOf('GET /health 200'));
  });

  it('filters by app and text, and says when nothing matches', async () => {
    const { replies } = await ask(`logs ${ours} --cluster pub-local-a --app worker --since 2h`, ours);
    await h.emulator.waitFor('the worker line', () =>
      replies().find((m) => JSON.stringify(m.blocks).includes('job done')),
    );
    const none = await ask(`logs ${ours} --cluster pub-local-a --grep "no such text"`, ours);
    const summary = await h.emulator.waitFor('the summary', () =>
      none.replies().find((m) => m.text.startsWith(':white_check_mark:')),
    );
    expect(summary.text).toMatch(/No lines of access logs/);
    expect(none.replies()).toHaveLength(1);
  });

  it.each([
    ['quotes and LogsQL operators', `--grep '" OR namespace:="${'team-b'}'`],
    ['a pipe and braces', `--grep '"} | union (*) {"'`],
    ['backslashes', `--grep '\\" OR \\"'`],
    ['JSON', `--grep '{"namespace":"team-b"}'`],
  ])('finds nothing it should not with %s in a parameter', async (_what, flags) => {
    const { replies } = await ask(`logs ${ours} --cluster pub-local-a ${flags}`, ours);
    const summary = await h.emulator.waitFor('the summary', () =>
      replies().find((m) => m.text.startsWith(':white_check_mark:')),
    );
    expect(summary.text).toMatch(/^:white_check_mark: No lines/);
    expect(JSON.stringify(replies())).not.toContain('secret of team b');
  });

  it('refuses names that are not names, before anything runs', async () => {
    for (const flag of ['--app \'web"} or {a="b\'', '--pod "a|b"', '--container "x\\\\y"']) {
      const answer = await answerTo(`logs ${ours} --cluster pub-local-a ${flag}`);
      expect(answer).toMatch(/must be a Kubernetes name/);
    }
    const namespace = await answerTo('logs "team-a-web} OR *" --cluster pub-local-a');
    expect(namespace).toMatch(/must be a DNS label/);
  });

  it("refuses another team's namespace, naming the rule", async () => {
    const answer = await answerTo(`logs ${theirs} --cluster pub-local-a`);
    expect(answer).toContain('logs.namespace.team');
    expect(answer).toContain(`belongs to team 'team-b'`);
  });

  it('refuses a window or a limit above the policy, and raw query text from people outside its groups', async () => {
    expect(await answerTo(`logs ${ours} --cluster pub-local-a --since 30d`)).toContain('logs.window.max');
    expect(await answerTo(`logs ${ours} --cluster pub-local-a --limit 6000`)).toContain('logs.limit.max');
    expect(await answerTo(`logs ${ours} --cluster pub-local-a --query "*"`)).toContain('logs.raw_query');
    expect(await answerTo(`logs ${ours} --cluster pub-local-a --source audit`)).toContain('logs.audit.group');
  });

  it('uploads a large result as a file in the thread', async () => {
    const { replies } = await ask(`logs ${big} --cluster pub-local-a --limit 100`, big);
    const note = await h.emulator.waitFor('the file note', () =>
      replies().find((m) => m.text.startsWith('100 lines')),
    );
    const file = [...h.emulator.files.values()].find((f) => f.shared?.messageTs === note.ts);
    expect(file?.filename).toMatch(new RegExp(`^logs-${big}-r-[a-z0-9]{10}\\.txt$`));
    expect(file?.shared?.threadTs).toBe(replies()[0]?.threadTs);
    const lines = file?.content?.toString('utf8').trimEnd().split('\n') ?? [];
    expect(lines).toHaveLength(100);
    expect(lines[0]).toMatch(/request 119 served$/);
    const summary = replies().find((m) => m.text.startsWith(':white_check_mark:'));
    expect(summary?.text).toMatch(/100 lines .*truncated at the limit of 100/);
  });

  it('runs the same query from the typed form', async () => {
    await h.emulator.globalShortcut({ user: people.requester, callbackId: 'n3r_new_request' });
    const pick = await h.emulator.waitFor('the kind picker', () =>
      h.emulator.openModals(people.requester).find((v) => v.callbackId === 'n3r_pick_kind'),
    );
    await h.emulator.submitView({
      user: people.requester,
      viewId: pick.id,
      values: { kind: { value: { selected: 'logs.query' } } },
    });
    const form = await h.emulator.waitFor('the logs form', () =>
      h.emulator.openModals(people.requester).find((v) => v.callbackId === 'n3r_form:logs.query'),
    );
    // A form opened from the shortcut posts its card in the person's direct messages with the app.
    const dm = h.emulator.dmChannel(people.requester);
    const before = h.emulator.channelMessages(dm).length;
    const submitted = await h.emulator.submitView({
      user: people.requester,
      viewId: form.id,
      values: {
        namespace: { value: ours },
        cluster: { value: { selected: 'pub-local-a' } },
        app: { value: 'worker' },
        source: { value: { selected: 'access' } },
      },
    });
    expect(submitted.status).toBe(200);
    const card = await h.emulator.waitFor(
      'the card from the form',
      () =>
        h.emulator
          .channelMessages(dm)
          .slice(before)
          .find((m) => m.text.startsWith('logs.query ') && m.text.includes('Done')),
      60_000,
    );
    await h.emulator.waitFor('the worker line', () =>
      h.emulator
        .threadReplies(card.channel, card.ts)
        .find((m) => JSON.stringify(m.blocks).includes('job done')),
    );
  });

  it('reads audit logs from OpenSearch for the audit group, any namespace, raw text confined to it', async () => {
    await seedAuditDocs(stack.openSearchUrl, `audit-e2e-${ours}`, [
      { '@timestamp': ago(5).toISOString(), namespace: ours, message: 'user alice deleted pod web-1' },
      { '@timestamp': ago(6).toISOString(), namespace: ours, message: 'user alice created pod web-1' },
      { '@timestamp': ago(7).toISOString(), namespace: theirs, message: 'user bob deleted secret of team b' },
    ]);
    const audit = await ask(
      `logs ${ours} --cluster pub-local-a --source audit --grep deleted`,
      ours,
      people.auditor,
    );
    const lines = await h.emulator.waitFor('the audit line', () =>
      audit.replies().find((m) => JSON.stringify(m.blocks).includes('user alice deleted pod web-1')),
    );
    expect(JSON.stringify(lines.blocks)).not.toContain('created');
    expect(JSON.stringify(audit.replies())).not.toContain('team b');

    const raw = await ask(
      `logs ${ours} --cluster pub-local-a --source audit --query "deleted OR namespace:${theirs}"`,
      ours,
      people.auditor,
    );
    await h.emulator.waitFor('the raw answer', () =>
      raw.replies().find((m) => m.text.startsWith(':white_check_mark: 1 line')),
    );
    expect(JSON.stringify(raw.replies())).not.toContain('team b');

    const access = await ask(
      `logs ${ours} --cluster pub-local-a --query 'secret OR namespace:="${theirs}"'`,
      ours,
      people.auditor,
    );
    const summary = await h.emulator.waitFor('the access answer', () =>
      access.replies().find((m) => m.text.startsWith(':white_check_mark:')),
    );
    expect(summary.text).toMatch(/^:white_check_mark: No lines/);
  });
});

describe('log queries when the log store is down', () => {
  let h: Harness;
  const ns = uniqueNamespace('team-a');

  beforeAll(async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    h = await startHarness({
      mode: 'socket',
      registry: (registry) => ({
        ...registry,
        clusters: registry.clusters.map((c) => ({ ...c, victorialogs: { url: closed } })),
      }),
    });
    await h.admin.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'n3r.io/team': 'team-a' } } },
      { fieldManager: 'e2e-logs' },
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('tells the requester it retries and why, then fails with a clear answer', async () => {
    await h.emulator.slashCommand({
      text: `logs ${ns} --cluster pub-local-a`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card', () =>
      h.emulator
        .channelMessages(channels.team)
        .find((m) => m.text.startsWith('logs.query ') && m.text.includes(ns)),
    );
    const waiting = await h.emulator.waitFor(
      'a note that it waits for the log store',
      () => h.emulator.threadReplies(card.channel, card.ts).find((m) => m.text.startsWith(':hourglass:')),
      20_000,
    );
    expect(waiting.text).toMatch(
      /the log store cannot be reached \(ECONNREFUSED\)\. Trying again \(attempt 2 of 5\)/,
    );
    const failed = await h.emulator.waitFor(
      'the final answer',
      () => h.emulator.threadReplies(card.channel, card.ts).find((m) => m.text.startsWith(':x:')),
      55_000,
    );
    expect(failed.text).toBe(':x: the log store cannot be reached (ECONNREFUSED)');
    expect(h.emulator.message(card.channel, card.ts)?.text).toContain('Failed');
  }, 70_000);
});
