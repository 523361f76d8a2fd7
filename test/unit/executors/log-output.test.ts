import { describe, expect, it } from 'vitest';
import { formatLine, formatLines } from '../../../src/executors/logs/log-output.js';

const awsKeyId = `AKIA${'IOSFODNN7EXAMPLE'}`;
const line = (message: string) => ({
  time: '2026-11-30T09:00:00Z',
  source: { app: 'web', pod: 'web-1', container: 'nginx' },
  message,
});

describe('log output', () => {
  it('shows time, origin and message on one line', () => {
    expect(formatLine(line('GET /health 200\nsecond line'))).toBe(
      '2026-11-30T09:00:00Z web/web-1/nginx GET /health 200\\nsecond line',
    );
  });

  it('masks a secret before cutting a long line, so no part of it shows', () => {
    const message = `${'x'.repeat(20)} ${awsKeyId} ${'y'.repeat(100)}`;
    // Cut ten characters into the key: cut first, 'AKIAIOSFOD' would no longer look like a key.
    const keyAt = formatLine(line(message), { lineChars: 1000, totalChars: 10_000 }).indexOf('AKIA');
    const text = formatLine(line(message), { lineChars: keyAt + 10, totalChars: 10_000 });
    expect(text).not.toContain('IOSFOD');
    expect(text).toMatch(/ …\[\d+ more characters\]$/);
    expect(text.length).toBeLessThan(100);
  });

  it('keeps as many lines as fit in the total, and says it cut', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line(`request ${i}`));
    const all = formatLines(lines);
    expect(all).toMatchObject({ cut: false });
    expect(all.lines).toHaveLength(10);
    const perLine = (all.lines[0]?.length ?? 0) + 1;
    const some = formatLines(lines, { lineChars: 4000, totalChars: perLine * 3 });
    expect(some).toEqual({ lines: all.lines.slice(0, 3), cut: true });
  });
});
