import { describe, expect, it } from 'vitest';
import { alertSilence } from '../../../src/kinds/alert-silence/index.js';
import { docExamples, parseAsked, policyCaseParams } from './doc-examples.js';

describe('alert.silence', () => {
  it('parses the example of its doc comment, matchers given as label=value pairs', () => {
    const [example] = docExamples('alert-silence/intake.ts');
    const parsed = parseAsked(alertSilence, example ?? '');
    expect(parsed.success).toBe(true);
    expect(parsed.data?.matchers).toEqual([
      { name: 'alertname', value: 'KubePodCrashLooping' },
      { name: 'team', value: 'team-a' },
    ]);
  });

  it('gives the policy the params of its contract: team, duration in seconds, matchers', () => {
    const params = alertSilence.params.parse({
      cluster: 'pub-kr1-a',
      team: 'team-a',
      matchers: [
        { name: 'team', value: 'team-a' },
        { name: 'alertname', value: 'HighLatency' },
      ],
      duration: '2h',
      comment: 'deploy in progress',
    });
    const policy = alertSilence.toPolicyParams(params);
    expect(policy).toEqual(policyCaseParams('alert_silence.json', 'alert_silence'));
  });

  it.each([
    [{ duration: 'forever' }, 'duration: "forever" is not a duration (e.g. 30m, 2h or 1d)'],
    [{ duration: '0h' }, 'duration: "0h" is not a duration'],
    [{ comment: ' x ' }, 'comment: say why, in a few words'],
    [{ matchers: [] }, 'matchers: needs at least one matcher'],
    [{ matchers: 'alertname' }, 'matchers[0].value: must not be empty'],
    [{ matchers: [{ name: 'bad-name', value: 'x' }] }, 'matchers[0].name: must be a label name'],
    [{ group: '../etc' }, 'group: must be an alert group id'],
  ])('refuses %j', (change, problem) => {
    const parsed = alertSilence.params.safeParse({
      cluster: 'pub-kr1-a',
      team: 'team-a',
      matchers: 'alertname=X,team=team-a',
      duration: '1h',
      comment: 'deploy',
      ...change,
    });
    expect(parsed.success).toBe(false);
    const problems = (parsed.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(problems.replace(/\.(\d+)\./g, '[$1].')).toContain(problem);
  });
});
