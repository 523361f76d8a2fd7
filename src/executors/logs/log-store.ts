/** What a log query asks of a store: one namespace, exact filters, a substring, a time range and a limit. */
export interface LogQuery {
  namespace: string;
  app?: string | undefined;
  pod?: string | undefined;
  container?: string | undefined;
  /** Text the line must contain, matched literally. */
  grep?: string | undefined;
  /** Query text in the store's own language; the store still confines it to the namespace. */
  raw?: string | undefined;
  start: Date;
  end: Date;
  /** At most this many lines, newest first. */
  limit: number;
}

export interface LogLine {
  /** ISO 8601, as precise as the store keeps it. */
  time: string;
  /** Where the line comes from: app, pod, container (whichever the store has). */
  source: Record<string, string>;
  message: string;
}

export interface LogResult {
  /** Newest first, at most the query's limit. */
  lines: LogLine[];
  /** More lines matched than the limit let through. */
  truncated: boolean;
}

/** A log store the executor can query: Loki, VictoriaLogs or OpenSearch, each behind this one call. */
export interface LogStore {
  /** For messages: `VictoriaLogs at http://…`. */
  readonly name: string;
  query(query: LogQuery, signal: AbortSignal): Promise<LogResult>;
}

/** The labels a line's origin is shown with, in this order. */
export const sourceLabels = ['app', 'pod', 'container'] as const;

/** Keeps the known origin labels of a stream or document, as strings. */
export function pickSource(fields: Record<string, unknown>): Record<string, string> {
  const source: Record<string, string> = {};
  for (const label of sourceLabels) {
    const value = fields[label];
    if (typeof value === 'string' && value !== '') source[label] = value;
  }
  return source;
}
