import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSilenceExecutor } from '../../../src/kinds/alert-silence/executor.js';
import { startTestAlertmanager, type TestAlertmanager } from '../../support/alertmanager.js';
import { uniqueSuffix } from '../../support/harness.js';
import { executorDeps, paramsOf, recordFor, run } from './executor-context.js';

describe('the alert.silence executor against a real Alertmanager', () => {
  let am: TestAlertmanager;
  let deps: ReturnType<typeof executorDeps>;
  beforeAll(async () => {
    am = await startTestAlertmanager();
    const base = executorDeps();
    deps = {
      ...base,
      registry: {
        ...base.registry,
        clusters: base.registry.clusters.map((c) =>
          c.name === 'pub-local-a' ? { ...c, alertmanager: { url: am.url } } : c,
        ),
      },
    };
  });
  afterAll(async () => {
    await deps?.close();
    await am?.stop();
  });

  it('silences once per request: a run again (after a crash) keeps the silence the first run made', async () => {
    const alertname = `Flaky${uniqueSuffix()}`;
    const params = paramsOf('alert.silence', {
      cluster: 'pub-local-a',
      team: 'team-a',
      matchers: `alertname=${alertname},team=team-a`,
      duration: '2h',
      comment: 'deploy in progress',
    });
    const record = recordFor('alert.silence', params);
    const execute = alertSilenceExecutor(deps);
    const first = await run(execute, record, params);
    const again = await run(execute, record, params);
    const ours = (await am.silences()).filter((s) => s.createdBy.includes(record.id));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.matchers.map((m) => `${m.name}=${m.value}`).sort()).toEqual([
      `alertname=${alertname}`,
      'team=team-a',
    ]);
    expect(again.summary).toBe(first.summary);
    // Another request with the same ask is a silence of its own.
    const other = recordFor('alert.silence', params);
    await run(execute, other, params);
    expect((await am.silences()).filter((s) => s.matchers.some((m) => m.value === alertname))).toHaveLength(
      2,
    );
  });
});
