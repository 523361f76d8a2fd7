/** Ports as people type them for network access: `tcp/443`, `tcp/8000-8100`, `udp/53`, `icmp`, `8080`. */
import { parsedText, quoted } from './text.js';

/** A protocol and a range of ports (one port: `first === last`), or all of ICMP. */
export type PortRange =
  | { protocol: 'TCP' | 'UDP'; first: number; last: number }
  | { protocol: 'ICMP'; first: null; last: null };

const entryPattern = /^(?:(tcp|udp)\/)?(\d{1,5})(?:-(\d{1,5}))?$/i;

/** One entry: `tcp/443`, `udp/53`, `tcp/8000-8100`, `icmp`, or a bare number (TCP). */
export function parsePortRange(value: string): PortRange | undefined {
  if (/^icmp$/i.test(value)) return { protocol: 'ICMP', first: null, last: null };
  const match = entryPattern.exec(value);
  if (!match) return undefined;
  const first = Number(match[2]);
  const last = match[3] === undefined ? first : Number(match[3]);
  if (first < 1 || last > 65535 || last < first) return undefined;
  return { protocol: (match[1]?.toUpperCase() ?? 'TCP') as 'TCP' | 'UDP', first, last };
}

/** `tcp/443`, `tcp/8000-8100`, `icmp`: how a range is shown. */
export function showPortRange(range: PortRange): string {
  if (range.protocol === 'ICMP') return 'ICMP';
  return `${range.protocol}/${range.first}${range.last === range.first ? '' : `-${range.last}`}`;
}

/** Comma-separated port ranges, each 1-65535, ranges low-high; ICMP as `icmp`. */
export const portRangeList = parsedText<PortRange[]>(
  (value) => {
    const ranges = value.split(',').map((entry) => parsePortRange(entry.trim()));
    return ranges.every((r) => r !== undefined) ? (ranges as PortRange[]) : undefined;
  },
  (value) =>
    `${quoted(value)} is not a list of ports (e.g. tcp/443,udp/53, a range tcp/8000-8100, icmp; a bare number is TCP; each 1-65535)`,
);
