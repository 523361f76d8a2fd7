import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../../devtools/workspace/local-workspace.js';
import { createLogger } from '../../../src/logger.js';
import { eventually, type Harness, startHarness } from '../../support/harness.js';

interface LogLine {
  msg: string;
  ref?: string;
  slackUserId?: string;
  delivery?: Record<string, string>;
  err?: { message?: string };
}

/**
 * A listener that throws (here: Slack's users.info fails once, so the identity lookup throws) still
 * answers Slack in time, tells the person what went wrong with a reference, and logs the failure under
 * the same reference, so the operator can find it.
 */
describe.each(['http', 'socket'] as const)('a failing listener (%s mode)', (mode) => {
  const lines: LogLine[] = [];
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      mode,
      logger: () =>
        createLogger({
          level: 'info',
          role: 'test',
          destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
        }),
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  const refIn = (text: string) => /Something went wrong \(ref (e-[0-9a-f]{8})\)/.exec(text)?.[1];
  const loggedFailure = (ref: string) =>
    eventually(`the log line of ${ref}`, async () =>
      lines.find((l) => l.msg === 'listener failed' && l.ref === ref),
    );

  it('tells the person a reference for a failed command and logs the failure under it', async () => {
    const since = h.emulator.ephemerals.length;
    h.emulator.failNext('users.info', 'fatal_error');
    const delivery = await h.emulator.slashCommand({
      text: 'whoami',
      user: people.teammate,
      channel: channels.team,
    });
    expect(delivery.status).toBe(200);
    const told = await h.emulator.waitFor('the failure told to carol', () =>
      h.emulator.ephemerals.slice(since).find((e) => e.user === people.teammate),
    );
    expect(told.channel).toBe(channels.team);
    const ref = refIn(told.text);
    expect(ref, told.text).toBeDefined();
    const line = await loggedFailure(ref as string);
    expect(line.slackUserId).toBe(people.teammate);
    expect(line.delivery?.command).toBe('/n3r');
    expect(line.err?.message).toContain('fatal_error');
    // Only that delivery failed: the same command works again.
    const again = h.emulator.ephemerals.length;
    await h.emulator.slashCommand({ text: 'whoami', user: people.teammate, channel: channels.team });
    const answer = await h.emulator.waitFor('the whoami answer', () =>
      h.emulator.ephemerals.slice(again).find((e) => e.user === people.teammate),
    );
    expect(answer.text).toContain('platform groups: team-a');
  });

  it('answers Slack for a form whose listener failed before it could, and tells the person in a DM', async () => {
    await h.emulator.globalShortcut({ user: people.secondApprover, callbackId: 'n3r_new_request' });
    const picker = await h.emulator.waitFor('the kind picker', () =>
      h.emulator.openModals(people.secondApprover).at(-1),
    );
    const dm = h.emulator.dmChannel(people.secondApprover);
    h.emulator.failNext('users.info', 'internal_error');
    const submitted = await h.emulator.submitView({
      user: people.secondApprover,
      viewId: picker.id,
      values: { kind: { value: { selected: 'namespace.create' } } },
    });
    // Acknowledged within Slack's three seconds: the modal closes rather than showing Slack's error.
    expect(submitted.status).toBe(200);
    expect(h.emulator.openModals(people.secondApprover)).toEqual([]);
    const told = await h.emulator.waitFor('the failure in dave’s DM', () =>
      h.emulator.channelMessages(dm).find((m) => refIn(m.text)),
    );
    const line = await loggedFailure(refIn(told.text) as string);
    expect(line.slackUserId).toBe(people.secondApprover);
    expect(line.delivery?.viewId).toBe(picker.id);
    expect(h.emulator.rejected).toEqual([]);
  });
});
