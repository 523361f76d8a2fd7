import type { LogLine } from './log-store.js';
import { maskSecrets } from './mask-secrets.js';

/** Bounds on what one query hands back; it is stored with the request and shared in Slack. */
export interface OutputLimits {
  /** Characters kept of one line. @defaultValue 4000 */
  lineChars: number;
  /** Characters kept over all lines. @defaultValue 4 MiB */
  totalChars: number;
}

export const defaultOutputLimits: OutputLimits = { lineChars: 4000, totalChars: 4 * 1024 * 1024 };

/**
 * `2026-11-30T09:00:00Z web/web-1/nginx GET /health 200`, secrets masked, on one line. Masked before it
 * is cut, so a token cut in half is never left half visible.
 */
export function formatLine(line: LogLine, limits: OutputLimits = defaultOutputLimits): string {
  const origin = Object.values(line.source).join('/');
  const text = maskSecrets(
    [line.time, origin, line.message.replace(/\r?\n/g, '\\n')].filter((p) => p !== '').join(' '),
  );
  if (text.length <= limits.lineChars) return text;
  return `${text.slice(0, limits.lineChars)} …[${text.length - limits.lineChars} more characters]`;
}

/** The formatted lines, as many as fit in `totalChars`; `cut` says some were left out. */
export function formatLines(
  lines: LogLine[],
  limits: OutputLimits = defaultOutputLimits,
): { lines: string[]; cut: boolean } {
  const kept: string[] = [];
  let total = 0;
  for (const line of lines) {
    const text = formatLine(line, limits);
    total += text.length + 1;
    if (total > limits.totalChars) return { lines: kept, cut: true };
    kept.push(text);
  }
  return { lines: kept, cut: false };
}
