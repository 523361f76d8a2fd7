import { describe, expect, it } from 'vitest';
import { cpuMillicores, memoryBytes } from '../../../src/kinds/params/quantity.js';

describe('quantities', () => {
  it.each([
    ['8', 8000],
    ['500m', 500],
    ['1.5', 1500],
    ['0.25', 250],
  ])('reads cpu %s as %i millicores', (text, millicores) => {
    expect(cpuMillicores(text)).toBe(millicores);
  });

  it.each(['', 'lots', '1.5m', '-1', '8 ', '1e3'])('refuses cpu %j', (text) => {
    expect(cpuMillicores(text)).toBeUndefined();
  });

  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['16Gi', 16 * 2 ** 30],
    ['1Ti', 2 ** 40],
  ])('reads memory %s as bytes', (text, bytes) => {
    expect(memoryBytes(text)).toBe(bytes);
  });

  it.each(['16G', '16', 'Gi', '1.5Gi', '16gi'])('refuses memory %j (binary suffixes only)', (text) => {
    expect(memoryBytes(text)).toBeUndefined();
  });
});
