/** Durations as people type them (`24h`, `90m`, `1h30m`, `7d`), for params the policy compares in seconds. */

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `24h` → 86400; undefined for anything else, and for zero. */
export function durationSeconds(text: string): number | undefined {
  if (!/^(\d+[smhdw])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g))
    total += Number(amount) * (unitSeconds[unit ?? ''] ?? 0);
  return total > 0 ? total : undefined;
}
