import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { kinds } from '../../../src/kinds/index.js';

/**
 * What every kind must have, checked over the one list (src/kinds/index.ts). The compiler already refuses
 * a kind without params, intake, policy view, rbac or executor; this names what types cannot: clashes
 * between kinds, usage lines that do not match the schema, a missing Rego package.
 */
const regoSources = (dir: URL): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? regoSources(new URL(`${entry.name}/`, dir))
      : entry.name.endsWith('.rego') && !entry.name.endsWith('_test.rego')
        ? [readFileSync(new URL(entry.name, dir), 'utf8')]
        : [],
  );
const rego = regoSources(new URL('../../../policies/', import.meta.url));

describe.each(kinds.map((kind) => [kind.id, kind] as const))('the kind %s', (id, kind) => {
  const shape = kind.params instanceof z.ZodObject ? Object.keys(kind.params.shape) : [];
  const flags = shape.filter((name) => !kind.positional.includes(name));

  it('has an id of the form resource.verb, used by no other kind', () => {
    expect(id).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+$/);
    expect(kinds.filter((k) => k.id === id)).toHaveLength(1);
  });

  it('has command words no other kind uses', () => {
    const words = kind.command.join(' ');
    expect(kinds.filter((k) => k.command.join(' ') === words).map((k) => k.id)).toEqual([id]);
  });

  it('has a usage line that starts with its command and names every parameter, and only those', () => {
    expect(kind.usage.startsWith(`/n3r ${kind.command.join(' ')}`)).toBe(true);
    for (const name of kind.positional) expect(kind.usage, `<${name}>`).toContain(`<${name}>`);
    const inUsage = [...kind.usage.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]);
    expect(new Set(inUsage), 'flags in the usage line').toEqual(new Set(flags));
    for (const name of [...kind.positional, ...(kind.switches ?? [])]) expect(shape).toContain(name);
  });

  it('has a summary for /n3r help and a schema of flags', () => {
    expect(kind.summary.length).toBeGreaterThan(10);
    expect(shape).toContain('cluster');
  });

  it('gives a reason for every RBAC rule it declares', () => {
    for (const rule of kind.rbac) {
      expect(rule.why.length, JSON.stringify(rule)).toBeGreaterThan(5);
      expect(rule.verbs.length).toBeGreaterThan(0);
    }
  });

  it('has an executor (and a revoker, when it has one) that loads', async () => {
    expect(typeof (await kind.executor())).toBe('function');
    if ('revoker' in kind && kind.revoker) expect(typeof (await kind.revoker())).toBe('function');
  });

  it('has a Rego package of its own under policies/', () => {
    const pkg = `package n3r.lib.${id.replaceAll('.', '_').replaceAll('-', '_')}`;
    expect(
      rego.some((text) => text.split('\n').includes(pkg)),
      `${pkg} (see policies/README.md)`,
    ).toBe(true);
  });
});
