import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { WorkspaceServer } from '../../devtools/workspace/workspace-server.js';
import { projectRoot } from '../../scripts/local-stack/stack.js';
import { launchChromium } from '../support/browser.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

const artifacts = join(projectRoot, 'test-artifacts');

/**
 * The browser workspace of `npm start`, driven in headless chromium as people use it: the page sends what
 * they do through the emulator to the bot (Socket Mode), and draws what the bot answers as it arrives.
 */
describe('the browser workspace', () => {
  let h: Harness;
  let workspace: WorkspaceServer;
  let browser: Browser;
  let page: Page;
  const alertToken = randomBytes(16).toString('hex');

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    // The first run on a machine may install Debian's chromium.
    browser = await launchChromium();
    h = await startHarness({ mode: 'socket', env: { N3R_ALERT_WEBHOOK_TOKEN: alertToken } });
    workspace = new WorkspaceServer(h.emulator, {
      alertWebhook: { url: `http://127.0.0.1:${h.n3r.opsPort}/webhooks/alertmanager`, token: alertToken },
    });
    await workspace.start();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(workspace.url);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await workspace?.stop();
    await h?.stop();
  });

  const as = async (user: string, channel: string = channels.team) => {
    await page.selectOption('#user', user);
    await page.locator(`body[data-me="${user}"]`).waitFor();
    await page.click(`#sidebar a[data-channel="${channel}"]`);
    await page.locator(`#sidebar a.active[data-channel="${channel}"]`).waitFor();
  };
  const type = async (text: string) => {
    await page.fill('#message-box', text);
    await page.press('#message-box', 'Enter');
  };
  const message = (text: string): Locator => page.locator('#messages article.message', { hasText: text });
  const onlyMe = (text: string): Locator => page.locator('#messages article.ephemeral', { hasText: text });
  const click = (within: Locator, actionId: string) =>
    within.locator(`[data-action-id="${actionId}"]`).click();
  const noticeSays = async (pattern: RegExp) => {
    await page.locator('#notice', { hasText: pattern }).waitFor();
    return page.locator('#notice').textContent();
  };

  it('creates a namespace that needs two approvals: asked by alice, refused to mallory and carol, approved by bob and dave', async () => {
    const name = `team-a-big-${uniqueSuffix()}`;
    await as(people.requester);
    await type(`/n3r ns create ${name} --cluster ded-local-a --team team-a --cpu 32`);
    const card = page.locator('#messages article.message:not(.ephemeral)', { hasText: name });
    await card.filter({ hasText: 'Waiting for approval' }).waitFor();
    const id = /r-[a-z0-9]{10}/.exec((await card.textContent()) ?? '')?.[0] ?? '';
    expect(id).not.toBe('');

    await as(people.approver, channels.approvals);
    const prompt = message(`${name}`).filter({ has: page.locator('[data-action-id="n3r_approve"]') });
    await prompt.filter({ hasText: '0 of 2' }).waitFor();
    await click(prompt, 'n3r_approve');
    await onlyMe('Your approval is recorded: 1 of 2').waitFor();
    await prompt.filter({ hasText: '1 of 2' }).waitFor();

    // Someone outside the approvers' group is told so, only them, and nothing changes.
    await as(people.outsider, channels.approvals);
    await click(prompt, 'n3r_approve');
    await onlyMe('Only members of n3r-approvers-dedicated may approve or reject').waitFor();
    await page.screenshot({
      path: join(artifacts, 'workspace-refusal.png'),
    });
    // A reaction is an approval in Slack too: carol (team-a, not an approver) gets the same refusal.
    await as(people.teammate, channels.approvals);
    await prompt.locator('[data-reaction="white_check_mark"]').click();
    await onlyMe('Only members of n3r-approvers-dedicated may approve or reject').waitFor();
    await prompt.locator('[data-reaction="white_check_mark"]', { hasText: '1' }).waitFor();
    expect(await prompt.textContent()).toContain('1 of 2');

    await as(people.secondApprover, channels.approvals);
    await click(prompt, 'n3r_approve');

    await as(people.requester);
    await card.filter({ hasText: 'Done' }).waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toContain(id);
    expect(await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).not.toBeNull();
    await card.locator('.replies').click();
    await page.locator('#thread-messages article.message').nth(1).waitFor();
    await page.screenshot({ path: join(artifacts, 'workspace.png') });
  });

  it('refuses what Slack would not deliver with a clear message, and delivers nothing', async () => {
    await as(people.requester);
    const before = h.emulator.deliveries.length;
    await type('/deploy web');
    expect(await noticeSays(/not a command here/)).toContain(
      '/deploy is not a command here: this workspace has /n3r',
    );
    await type('hello everyone');
    expect(await noticeSays(/hears only/)).toContain(
      'the bot hears only /n3r commands and messages that mention @n3r',
    );
    expect(await page.inputValue('#message-box')).toBe('hello everyone');
    expect(h.emulator.deliveries.length).toBe(before);
    const refused = await fetch(`${workspace.url}/act/click`, {
      method: 'POST',
      body: JSON.stringify({
        user: people.requester,
        channel: channels.team,
        ts: '1.000001',
        actionId: 'n3r_approve',
      }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ ok: false, error: `no message 1.000001 in ${channels.team}` });
    const incomplete = await fetch(`${workspace.url}/act/send`, {
      method: 'POST',
      body: JSON.stringify({ user: people.requester, text: '/n3r help' }),
    });
    expect(incomplete.status).toBe(400);
    expect(((await incomplete.json()) as { error: string }).error).toMatch(/^channel: /);
    const stranger = await fetch(`${workspace.url}/events?user=UNOBODY`);
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toEqual({ ok: false, error: "unknown user 'UNOBODY'" });
    expect(h.emulator.deliveries.length).toBe(before);
  });

  it('posts a mention in the channel and shows the answer only to its author', async () => {
    await as(people.teammate);
    await type('@n3r help');
    await page
      .locator('#messages article.message:not(.ephemeral) .mention', { hasText: '@n3r' })
      .last()
      .waitFor();
    await onlyMe('/n3r').first().waitFor();
  });

  it('opens the typed form from the shortcut, shows the errors Slack shows, and submits it', async () => {
    const name = `team-a-form-${uniqueSuffix()}`;
    await as(people.requester);
    await page.click('#new-request');
    const modal = page.locator('#modal-layer .modal');
    await modal.locator('.modal-title', { hasText: 'New request' }).waitFor();
    await modal.locator('select[name="kind/value"]').selectOption('namespace.create');
    await modal.locator('button[type="submit"]').click();
    await modal.locator('.modal-title', { hasText: 'namespace.create' }).waitFor();
    // Slack's client does not submit a form with a required input left empty.
    await modal.locator('select[name="cluster/value"]').selectOption('pub-local-a');
    await modal.locator('button[type="submit"]').click();
    await modal
      .locator('[data-block-id="name"] .error', { hasText: 'Please fill out this field.' })
      .waitFor();
    expect(await modal.locator('select[name="cluster/value"]').inputValue()).toBe('pub-local-a');
    // The app answers response_action errors for a name its schema refuses; Slack shows it under the input.
    await modal.locator('input[name="name/value"]').fill('Not_A_Name');
    await modal.locator('select[name="team/value"]').selectOption('team-a');
    await modal.locator('button[type="submit"]').click();
    await modal.locator('[data-block-id="name"] .error', { hasText: 'must be a DNS label' }).waitFor();
    expect(await modal.locator('input[name="name/value"]').inputValue()).toBe('Not_A_Name');
    await page.screenshot({ path: join(artifacts, 'workspace-form.png') });
    await modal.locator('input[name="name/value"]').fill(name);
    await modal.locator('button[type="submit"]').click();
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
    // A form opened outside a channel posts its card in the person's direct messages with the app.
    await page.click(`#sidebar a[data-channel="${h.emulator.dmChannel(people.requester)}"]`);
    await message(name).filter({ hasText: 'Done' }).waitFor({ timeout: 30_000 });
  });

  it("shows the App Home tab with the person's requests", async () => {
    await as(people.requester, h.emulator.dmChannel(people.requester));
    await page.click('#tabs button[data-tab="home"]');
    await page.locator('#home .bk-header', { hasText: 'Your recent requests' }).waitFor();
    await page.screenshot({ path: join(artifacts, 'workspace-home.png') });
    await page.locator('#home [data-action-id^="n3r_open_form_"]').first().click();
    await page.locator('#modal-layer .modal .modal-title').waitFor();
    await page.locator('#modal-layer .modal button', { hasText: 'Cancel' }).click();
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
    expect(h.emulator.openModals(people.requester)).toEqual([]);
  });

  it("fires a sample alert at the bot's Alertmanager webhook and says what the bot answered", async () => {
    await as(people.teammate, channels.onCall);
    await page.click('#fire-alert');
    const said = await noticeSays(/took the alert|webhook/);
    const direct = await fetch(`http://127.0.0.1:${h.n3r.opsPort}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alertToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (direct.status === 404) {
      // The bot has no webhook route yet: the page says so plainly.
      expect(said).toContain(
        'the bot has no Alertmanager webhook (POST /webhooks/alertmanager answered 404)',
      );
    } else {
      expect(said).toMatch(/The bot took the alert \(HTTP 2\d\d\)/);
      // The sample names team-a, whose on-call channel in the local registry is #team-a.
      await as(people.teammate, channels.team);
      await message('KubePodCrashLooping').first().waitFor({ timeout: 15_000 });
    }
    await page.screenshot({ path: join(artifacts, 'workspace-alert.png') });
  });
});
