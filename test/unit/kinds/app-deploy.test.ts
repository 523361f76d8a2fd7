import { describe, expect, it } from 'vitest';
import { appDeploy } from '../../../src/kinds/app-deploy/index.js';
import { askedFlags, docExamples, parseAsked, policyCaseParams } from './doc-examples.js';

const base = { app: 'web', cluster: 'pub-kr1-a', namespace: 'team-a-web', image: 'ghcr.io/team-a/web:1.4.2' };

describe('app.deploy', () => {
  it('accepts the examples of its documentation, and its usage line names its one-word command', () => {
    const examples = docExamples('app-deploy/intake.ts');
    expect(examples).toHaveLength(3);
    for (const text of examples) expect(parseAsked(appDeploy, text).success, text).toBe(true);
    expect(appDeploy.command).toEqual(['deploy']);
    expect(appDeploy.usage.startsWith('/n3r deploy <app> ')).toBe(true);
  });

  it('gives the policy the image split, sizes as numbers and no route without a host', () => {
    const params = appDeploy.params.parse(base);
    const policy = appDeploy.toPolicyParams(params);
    expect(policy).toEqual({
      namespace: 'team-a-web',
      app: 'web',
      image: {
        ref: 'ghcr.io/team-a/web:1.4.2',
        registry: 'ghcr.io',
        repository: 'team-a/web',
        tag: '1.4.2',
        digest: null,
      },
      replicas: 2,
      cpu_millicores: 500,
      memory_bytes: 512 * 2 ** 20,
      route: null,
      ha: false,
      take_over: false,
    });
    expect(Object.keys(policy).sort()).toEqual(
      Object.keys(policyCaseParams('app_deploy.json', 'app_deploy')).sort(),
    );
    expect(params).toMatchObject({
      port: 8080,
      replicas: 2,
      public: 'no',
      cpu: { text: '500m', millicores: 500 },
    });
  });

  it('takes --take-over as a switch, next to --ha: told to the policy and on the card', () => {
    const params = appDeploy.params.parse(
      askedFlags('deploy web --cluster pub-kr1-a --take-over --namespace team-a-web --image nginx:1.27 --ha'),
    );
    expect(appDeploy.toPolicyParams(params)).toMatchObject({ take_over: true, ha: true });
    expect(appDeploy.describe(params)).toContain('taking over fields other field managers hold');
    expect(appDeploy.toPolicyParams(appDeploy.params.parse(base))).toMatchObject({ take_over: false });
  });

  it('takes --ha as a switch: the whole region pair, told to the policy and in the description', () => {
    const asked = parseAsked(
      appDeploy,
      'deploy web --cluster pub-kr1-a --ha --namespace team-a-web --image nginx:1.27',
    );
    expect(asked.success).toBe(true);
    const params = appDeploy.params.parse({ ...base, image: 'nginx:1.27', ha: 'yes' });
    expect(params.ha).toBe('yes');
    expect(appDeploy.spansRegionPair?.(params)).toBe(true);
    expect(appDeploy.toPolicyParams(params)).toMatchObject({ ha: true });
    expect(appDeploy.describe(params)).toContain('on every cluster of its region pair');
    expect(appDeploy.spansRegionPair?.(appDeploy.params.parse(base))).toBe(false);
    expect(
      parseAsked(appDeploy, 'deploy web --cluster c --namespace n --image nginx:1 --ha=no').success,
    ).toBe(true);
    expect(
      parseAsked(appDeploy, 'deploy web --cluster c --namespace n --image nginx:1 --ha=maybe').success,
    ).toBe(false);
  });

  it('gives the policy the most replicas the autoscaler may reach, and the route as asked (TLS unless refused)', () => {
    const params = appDeploy.params.parse({
      ...base,
      image: 'nginx',
      replicas: '3',
      'max-replicas': '8',
      cpu: '1.5',
      memory: '2Gi',
      host: 'web.team-a.apps.n3r.io',
      public: 'yes',
    });
    expect(appDeploy.toPolicyParams(params)).toMatchObject({
      image: { ref: 'docker.io/library/nginx', registry: 'docker.io', tag: null, digest: null },
      replicas: 8,
      cpu_millicores: 1500,
      memory_bytes: 2 * 2 ** 30,
      route: { host: 'web.team-a.apps.n3r.io', public: true, tls: true },
    });
    expect(appDeploy.describe(params)).toBe(
      'deploy web (nginx) to team-a-web on pub-kr1-a: 3-8 replicas of cpu 1.5, memory 2Gi, route https://web.team-a.apps.n3r.io (public)',
    );
    const plain = appDeploy.params.parse({ ...base, host: 'web.internal.n3r.io', tls: 'no' });
    expect(appDeploy.toPolicyParams(plain)).toMatchObject({
      route: { host: 'web.internal.n3r.io', public: false, tls: false },
    });
  });

  it('refuses what it cannot deploy', () => {
    const problems = (raw: Record<string, string>) =>
      appDeploy.params
        .safeParse({ ...base, ...raw })
        .error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`) ?? [];
    expect(problems({ app: '1web' })).toEqual(['app: must start with a letter (it names a Service)']);
    expect(problems({ image: 'Web:1' })).toHaveLength(1);
    expect(problems({ replicas: '4', 'max-replicas': '2' })).toEqual([
      'max-replicas: must be at least --replicas',
    ]);
    expect(problems({ tls: 'no' })).toEqual(['tls: --tls needs a route: give --host']);
    expect(problems({ public: 'yes' })).toEqual(['public: --public needs a route: give --host']);
    expect(problems({ 'rate-limit': '100/s' })).toEqual([
      'rate-limit: --rate-limit needs a route: give --host',
    ]);
    expect(problems({ host: 'web.n3r.io', 'rate-limit': '100/d' })).toHaveLength(1);
    expect(problems({ host: 'Web.n3r.io' })).toHaveLength(1);
    expect(problems({ port: '0' })).toEqual(['port: must be a whole number from 1 to 65535']);
    expect(problems({ timeout: '1h' })).toEqual(['timeout: "1h" is longer than the 30m allowed']);
    expect(problems({ timeout: 'soon' })).toEqual(['timeout: "soon" is not a duration (e.g. 90s or 5m)']);
    expect(problems({ cpu: 'lots' })).toEqual(['cpu: "lots" is not a CPU quantity (e.g. 500m, 2, 4.5)']);
    expect(problems({ image: 'Web:1' })).toEqual([
      'image: "Web:1" is not a container image (e.g. ghcr.io/team-a/web:1.4.2 or nginx@sha256:…)',
    ]);
    expect(problems({ replicas: '0' })).toHaveLength(1);
  });

  it('parses the params as given into typed values, the same each time (the worker parses the stored ones again)', () => {
    const given = {
      ...base,
      host: 'web.team-a.apps.n3r.io',
      'rate-limit': '10/s',
      timeout: '90s',
      memory: '1Gi',
    };
    const once = appDeploy.params.parse(given);
    expect(once).toMatchObject({
      image: {
        text: 'ghcr.io/team-a/web:1.4.2',
        registry: 'ghcr.io',
        repository: 'team-a/web',
        tag: '1.4.2',
      },
      'rate-limit': { text: '10/s', requests: 10, unit: 'Second' },
      timeout: { text: '90s', seconds: 90 },
      memory: { text: '1Gi', bytes: 2 ** 30 },
      port: 8080,
    });
    expect(appDeploy.params.parse(JSON.parse(JSON.stringify(given)))).toEqual(once);
  });
});
