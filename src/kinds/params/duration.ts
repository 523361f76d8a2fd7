/** Durations as people type them (`24h`, `90m`, `1h30m`, `7d`), parsed once into seconds. */
import { parsedText, quoted } from './text.js';

/** A duration: the text as given, for display, and its seconds. */
export interface Duration {
  text: string;
  seconds: number;
}

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `24h` → 86400; undefined for anything else, and for zero. */
export function durationSeconds(text: string): number | undefined {
  if (!/^(\d+[smhdw])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g))
    total += Number(amount) * (unitSeconds[unit ?? ''] ?? 0);
  return total > 0 ? total : undefined;
}

/** A duration flag, at most `max` (a duration text such as `30m`) when given; `examples` say what to type. */
export const duration = (examples: string, max?: string) => {
  const maxSeconds = max === undefined ? Number.POSITIVE_INFINITY : (durationSeconds(max) ?? 0);
  return parsedText<Duration>(
    (text) => {
      const seconds = durationSeconds(text);
      return seconds !== undefined && seconds <= maxSeconds ? { text, seconds } : undefined;
    },
    (text) =>
      durationSeconds(text) === undefined
        ? `${quoted(text)} is not a duration (e.g. ${examples})`
        : `${quoted(text)} is longer than the ${max} allowed`,
  );
};
