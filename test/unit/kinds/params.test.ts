import { describe, expect, it } from 'vitest';
import { ipv4CidrList, parseCidr } from '../../../src/kinds/params/cidr.js';
import { duration } from '../../../src/kinds/params/duration.js';
import { image } from '../../../src/kinds/params/image.js';
import { parsePortRange, portRangeList, showPortRange } from '../../../src/kinds/params/port-range.js';
import { cpuQuantity, memoryQuantity } from '../../../src/kinds/params/quantity.js';
import { hostname, isHostname } from '../../../src/kinds/params/text.js';

const problem = (result: { error?: { issues: { message: string }[] } }) => result.error?.issues[0]?.message;

describe('typed parameters, parsed once', () => {
  it('reads quantities into numbers, keeping the text for display and manifests', () => {
    expect(cpuQuantity.parse('4.5')).toEqual({ text: '4.5', millicores: 4500 });
    expect(memoryQuantity.parse('16Gi')).toEqual({ text: '16Gi', bytes: 16 * 2 ** 30 });
    expect(problem(cpuQuantity.safeParse('lots'))).toBe('"lots" is not a CPU quantity (e.g. 500m, 2, 4.5)');
    expect(problem(cpuQuantity.safeParse('0'))).toBe('"0" is not a CPU quantity (e.g. 500m, 2, 4.5)');
    expect(problem(memoryQuantity.safeParse('16G'))).toBe(
      '"16G" is not a memory quantity (e.g. 512Mi, 16Gi)',
    );
  });

  it('reads CIDRs, v4 and v6, a bare address as its full prefix', () => {
    expect(parseCidr('10.1.0.0/16')).toEqual({
      text: '10.1.0.0/16',
      address: '10.1.0.0',
      prefix: 16,
      version: 4,
    });
    expect(parseCidr('10.2.3.4')).toMatchObject({ text: '10.2.3.4/32', prefix: 32 });
    expect(parseCidr('fd00::/8')).toMatchObject({ version: 6, prefix: 8 });
    for (const bad of ['10.0.0.0/33', '10.0.0', 'fd00::/129', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x'])
      expect(parseCidr(bad), bad).toBeUndefined();
    expect(problem(ipv4CidrList.safeParse('fd00::/8'))).toMatch(/^"fd00::\/8" is not a list of IPv4 CIDRs/);
  });

  it('reads ports, ranges and icmp', () => {
    expect(portRangeList.parse('tcp/443,udp/53,8080,tcp/8000-8100,icmp')).toEqual([
      { protocol: 'TCP', first: 443, last: 443 },
      { protocol: 'UDP', first: 53, last: 53 },
      { protocol: 'TCP', first: 8080, last: 8080 },
      { protocol: 'TCP', first: 8000, last: 8100 },
      { protocol: 'ICMP', first: null, last: null },
    ]);
    for (const bad of ['tcp/0', '70000', 'tcp/9-1', 'sctp/1', 'icmp/1', 'tcp/', ''])
      expect(parsePortRange(bad), bad).toBeUndefined();
    expect(showPortRange({ protocol: 'TCP', first: 8000, last: 8100 })).toBe('TCP/8000-8100');
    expect(problem(portRangeList.safeParse('tcp/443,'))).toMatch(/^"tcp\/443," is not a list of ports/);
  });

  it('reads durations into seconds, with a ceiling when the kind has one', () => {
    expect(duration('30m').parse('1h30m')).toEqual({ text: '1h30m', seconds: 5400 });
    expect(duration('7d').parse('7d')).toEqual({ text: '7d', seconds: 604_800 });
    expect(problem(duration('90s or 5m', '30m').safeParse('1h'))).toBe('"1h" is longer than the 30m allowed');
    expect(problem(duration('30m').safeParse('0h'))).toBe('"0h" is not a duration (e.g. 30m)');
  });

  it('reads images into registry, repository, tag and digest', () => {
    expect(image.parse('nginx:1.27')).toEqual({
      text: 'nginx:1.27',
      ref: 'docker.io/library/nginx:1.27',
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: '1.27',
      digest: null,
    });
    expect(problem(image.safeParse('Web:1'))).toMatch(/^"Web:1" is not a container image/);
  });

  it('reads RFC 1123 host names', () => {
    expect(isHostname('a-1.b')).toBe(true);
    for (const bad of ['-a.b', 'a-.b', 'A.b', 'a..b', `${'a'.repeat(64)}.b`, 'a_b.c'])
      expect(isHostname(bad), bad).toBe(false);
    expect(hostname.safeParse('web').success).toBe(false);
    expect(hostname.parse('web.team-a.apps.n3r.io')).toBe('web.team-a.apps.n3r.io');
  });
});
