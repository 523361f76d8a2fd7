import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../../src/kinds/params/image.js';

describe('image references', () => {
  it('splits them the way registries and the policy see them', () => {
    expect(parseImageRef('nginx')).toEqual({
      ref: 'docker.io/library/nginx',
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: null,
      digest: null,
    });
    expect(parseImageRef('nginx:1.27')).toMatchObject({ ref: 'docker.io/library/nginx:1.27', tag: '1.27' });
    expect(parseImageRef('team-a/web:2')).toMatchObject({ registry: 'docker.io', repository: 'team-a/web' });
    expect(parseImageRef('ghcr.io/team-a/web:1.4.2')).toEqual({
      ref: 'ghcr.io/team-a/web:1.4.2',
      registry: 'ghcr.io',
      repository: 'team-a/web',
      tag: '1.4.2',
      digest: null,
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageRef(`registry.n3r.io:5000/team-a/api@${digest}`)).toEqual({
      ref: `registry.n3r.io:5000/team-a/api@${digest}`,
      registry: 'registry.n3r.io:5000',
      repository: 'team-a/api',
      tag: null,
      digest,
    });
    expect(parseImageRef(`localhost/web:latest@${digest}`)).toMatchObject({
      registry: 'localhost',
      tag: 'latest',
      digest,
    });
  });

  it('refuses what is not an image reference', () => {
    for (const text of [
      '',
      'Nginx',
      'nginx:',
      'nginx@sha256:abc',
      'ghcr.io/',
      'a b',
      'ghcr.io/team-a/web:-x',
      'web//x',
    ]) {
      expect(parseImageRef(text), text).toBeUndefined();
    }
  });
});
