import { describe, expect, it } from 'vitest';
import { shownText } from '../../../devtools/slack-emulator/slack-blocks.js';
import { cardState, requestCard } from '../../../src/bot/views/request-card.js';
import type { ClusterTarget, RequestRecord } from '../../../src/core/request.js';
import { requestRecord } from '../../support/builders.js';

const target = (
  name: string,
  region: string,
  state: ClusterTarget['state'],
  error: string | null = null,
) => ({
  cluster: { name, type: 'public' as const, region },
  state,
  result: state === 'succeeded' ? { summary: `deployed on ${name}`, details: [] } : null,
  error,
});

const overPair = (targets: ClusterTarget[], patch: Partial<RequestRecord> = {}) =>
  requestRecord({ kind: 'app.deploy', targets, ...patch });

describe('the request card of a request over a region pair', () => {
  it('lists every cluster with where it stands', () => {
    const card = JSON.stringify(
      requestCard(
        overPair([target('pub-a', 'kr1', 'succeeded'), target('pub-b', 'kr2', 'running')], {
          state: 'running',
        }),
      ).blocks,
    );
    expect(card).toContain(':white_check_mark: done · *pub-a* (kr1)');
    expect(card).toContain(':gear: running · *pub-b* (kr2)');
  });

  it('says partly failed, and why per cluster, when some clusters are done and others failed', () => {
    const record = overPair(
      [
        target('pub-a', 'kr1', 'succeeded'),
        target('pub-b', 'kr2', 'failed', 'the cluster cannot be reached'),
      ],
      { state: 'failed', error: 'partly done' },
    );
    expect(cardState(record)).toBe(':warning: Partly failed: done on 1 of 2 clusters');
    expect(requestCard(record).text).toContain('Partly failed: done on 1 of 2 clusters');
    expect(JSON.stringify(requestCard(record).blocks)).toContain(
      ':x: failed · *pub-b* (kr2): the cluster cannot be reached',
    );
  });

  it('says failed when no cluster is done, and done only when all are', () => {
    const failed = overPair([target('pub-a', 'kr1', 'failed', 'x'), target('pub-b', 'kr2', 'failed', 'y')], {
      state: 'failed',
    });
    expect(cardState(failed)).toBe(':x: Failed');
    const done = overPair([target('pub-a', 'kr1', 'succeeded')], { state: 'succeeded' });
    expect(cardState(done)).toBe(':white_check_mark: Done');
    expect(cardState(requestRecord({ state: 'failed' }))).toBe(':x: Failed');
  });
});

describe('the request card of a request the policy warns about', () => {
  const unpinned =
    "image 'ghcr.io/team-a/web:latest' uses the mutable tag 'latest'; pin a version tag or a digest so that a restart cannot change what runs";
  const warned = (patch: Partial<RequestRecord> = {}) => {
    const record = requestRecord({ kind: 'app.deploy', description: 'app web in team-a-web', ...patch });
    record.decision = { ...record.decision, warnings: [unpinned] };
    return record;
  };

  it('shows every warning under the request, escaped for Slack', () => {
    const shown = shownText(requestCard(warned()).blocks);
    expect(shown).toContain(
      ":warning: *Policy warnings*\n• image 'ghcr.io/team-a/web:latest' uses the mutable tag 'latest'; pin a version tag or a digest so that a restart cannot change what runs",
    );
    const escaped = requestRecord();
    escaped.decision = { ...escaped.decision, warnings: ['route <a> & *b*'] };
    expect(shownText(requestCard(escaped).blocks)).toContain(
      ':warning: *Policy warnings*\n• route &lt;a&gt; &amp; *b*',
    );
  });

  it('keeps showing them while the request runs and once it is done', () => {
    for (const state of ['awaiting_approval', 'running', 'succeeded'] as const) {
      expect(shownText(requestCard(warned({ state })).blocks).join('\n')).toContain('*Policy warnings*');
    }
  });

  it('shows no warnings section when the policy gave none', () => {
    expect(shownText(requestCard(requestRecord()).blocks).join('\n')).not.toContain('warning');
  });
});
