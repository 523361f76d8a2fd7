const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `90m`, `1h30m`, `7d` → milliseconds; undefined for anything else. */
export function durationMs(text: string): number | undefined {
  if (!/^(\d+[smhd])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g))
    total += Number(amount) * (units[unit as string] ?? 0);
  return total;
}
