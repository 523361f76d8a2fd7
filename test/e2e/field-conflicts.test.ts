import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { fieldsByManager } from '../support/managed-fields.js';

// biome-ignore lint/suspicious/noExplicitAny: objects read back from the apiserver are asserted field by field
type Obj = Record<string, any>;

/**
 * A team tunes its app's autoscaler with its own field manager; n3r's next deploy meets that field. On a
 * dedicated cluster every deploy waits for two approvers (bob and dave), so the approvers' dry run is seen too.
 */
describe('a deploy meeting a field another manager holds, from Slack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'socket' });
  });
  afterAll(async () => {
    await h.stop();
  });

  const latest = (m: StoredMessage) => h.emulator.message(m.channel, m.ts) ?? m;
  const blocksOf = (m: StoredMessage) => JSON.stringify(latest(m).blocks);

  /** Asks, and returns its card (once it settles or waits) and, when it waits, its approval prompt. */
  async function ask(text: string, kind: string, name: string) {
    const cards = h.emulator.channelMessages(channels.team).length;
    const prompts = h.emulator.channelMessages(channels.approvals).length;
    await h.emulator.slashCommand({ text, user: people.requester, channel: channels.team });
    const card = await h.emulator.waitFor(
      `the card of '${text}'`,
      () =>
        h.emulator
          .channelMessages(channels.team)
          .slice(cards)
          .find(
            (m) =>
              m.text.startsWith(`${kind} `) && m.text.includes(name) && /Done|Failed|Waiting/.test(m.text),
          ),
      60_000,
    );
    const prompt = card.text.includes('Waiting')
      ? await h.emulator.waitFor('its approval prompt', () =>
          h.emulator
            .channelMessages(channels.approvals)
            .slice(prompts)
            .find((m) => m.text.includes(name)),
        )
      : undefined;
    return { card, prompt };
  }

  /** Bob approves with the button, dave with a reaction; then the card settles. */
  async function approve(card: StoredMessage, prompt: StoredMessage | undefined) {
    if (!prompt) throw new Error(`no approval prompt for: ${card.text}`);
    await h.emulator.clickButton({
      user: people.approver,
      channel: prompt.channel,
      ts: prompt.ts,
      actionId: 'n3r_approve',
    });
    await h.emulator.waitFor('one approval', () => blocksOf(prompt).includes('1 of 2'));
    await h.emulator.addReaction({
      user: people.secondApprover,
      channel: prompt.channel,
      ts: prompt.ts,
      reaction: 'white_check_mark',
    });
    return h.emulator.waitFor(
      'the card to settle',
      () => (/Done|Failed/.test(latest(card).text) ? latest(card) : undefined),
      60_000,
    );
  }

  const dryRunOf = (prompt: StoredMessage | undefined) => {
    if (!prompt) throw new Error('no approval prompt');
    return h.emulator.waitFor('the dry run in the prompt', () =>
      blocksOf(prompt).includes('What will change') ? blocksOf(prompt) : undefined,
    );
  };

  it('tells the requester and the approvers which field and whose, overwrites nothing, and takes it only with --take-over', async () => {
    const ns = `team-a-tuned-${uniqueSuffix()}`;
    const created = await ask(`ns create ${ns} --cluster ded-local-a --team team-a`, 'namespace.create', ns);
    expect(created.card.text).toContain('Done');
    const deploy = (image: string, extra = '') =>
      `deploy web --cluster ded-local-a --namespace ${ns} --image ghcr.io/team-a/web:${image} --replicas 2 --max-replicas 3${extra}`;
    const first = await ask(deploy('1.4.2'), 'app.deploy', ns);
    expect((await approve(first.card, first.prompt)).text).toContain('Done');

    const hpaRef = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: ns },
    };
    const deploymentRef = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
    };
    await h.admin.apply(
      { ...hpaRef, spec: { maxReplicas: 6 } },
      { fieldManager: 'team-a-tuning', force: true },
    );
    const held = `HorizontalPodAutoscaler ${ns}/web: .spec.maxReplicas is held by field manager 'team-a-tuning'; nothing was overwritten. Ask again with --take-over to take it over.`;

    // Without --take-over: the approvers' dry run shows the conflict, and once approved the request fails on it.
    const second = await ask(deploy('1.4.3'), 'app.deploy', ns);
    expect(await dryRunOf(second.prompt)).toContain(`conflicts: ${held}`);
    const failed = await approve(second.card, second.prompt);
    expect(failed.text).toContain('Failed');
    expect(JSON.stringify(failed.blocks)).toContain(held);
    expect(((await h.admin.get(hpaRef)) as Obj).spec.maxReplicas).toBe(6);
    const deployment = (await h.admin.get(deploymentRef)) as Obj;
    expect(deployment.spec.template.spec.containers[0].image).toBe('ghcr.io/team-a/web:1.4.2');

    // With --take-over: a reason of its own to approve, said on the card and the prompt, and in the dry run.
    const third = await ask(deploy('1.4.3', ' --take-over'), 'app.deploy', ns);
    expect(third.card.text).toContain('taking over fields other field managers hold');
    const prompt = third.prompt as StoredMessage;
    expect(blocksOf(prompt)).toContain('takes over fields another manager holds');
    expect(await dryRunOf(prompt)).toContain("takes over .spec.maxReplicas from 'team-a-tuning'");
    expect((await approve(third.card, third.prompt)).text).toContain('Done');
    const hpa = (await h.admin.get(hpaRef)) as Obj;
    expect(hpa.spec.maxReplicas).toBe(3);
    expect(fieldsByManager(hpa)['n3r/Apply']).toContain('.spec.maxReplicas');
    expect(fieldsByManager(hpa)['team-a-tuning/Apply'] ?? []).toEqual([]);
  });
});
