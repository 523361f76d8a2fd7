import type { KindExecutor } from '../../core/ports.js';
import type { ResultOutput } from '../../core/request.js';
import { clusterOf, type ExecutorDeps, executorOptions } from '../../executors/executor-deps.js';
import { formatLines } from '../../executors/logs/log-output.js';
import type { LogResult } from '../../executors/logs/log-store.js';
import { defaultLogStoreOptions, logStoreFor } from '../../executors/logs/log-stores.js';
import { type LogsQueryParams, timeRange } from './params.js';

/**
 * Runs a log query against the store the registry names for the cluster and source, and hands the lines
 * back as the result's output, every line masked for secrets. Reads only: a dry run says what it would ask.
 */
export function logsQueryExecutor(deps: ExecutorDeps): KindExecutor<LogsQueryParams> {
  const storeOptions = { ...defaultLogStoreOptions, ...deps.logStores };
  return async ({ params, record, dryRun, log, signal }) => {
    const cluster = clusterOf(deps, params.cluster);
    const store = logStoreFor(cluster, params.source, storeOptions);
    const { start, end } = timeRange(params, executorOptions(deps).now());
    const window = `from ${start.toISOString()} to ${end.toISOString()}`;
    if (dryRun)
      return { summary: `would read ${params.source} logs of ${params.namespace} ${window}`, details: [] };
    const result = await store.query(
      {
        namespace: params.namespace,
        app: params.app,
        pod: params.pod,
        container: params.container,
        grep: params.grep,
        raw: params.query,
        start,
        end,
        limit: params.limit,
      },
      signal,
    );
    log.info({ store: store.name, lines: result.lines.length, truncated: result.truncated }, 'logs read');
    const output = formatLines(result.lines);
    const summary = summaryOf(result, `${params.source} logs of ${params.namespace}`, window, params.limit);
    return {
      summary: output.cut
        ? `${summary}; only the first ${output.lines.length} fit in what one answer carries`
        : summary,
      details: [],
      ...(output.lines.length > 0 ? { output: outputOf(output.lines, record.id, params.namespace) } : {}),
    };
  };
}

function summaryOf(result: LogResult, what: string, window: string, limit: number): string {
  const count = result.lines.length;
  const found = count === 0 ? `No lines` : `${count} line${count === 1 ? '' : 's'}`;
  const truncated = result.truncated
    ? `; truncated at the limit of ${limit}: more lines match (narrow the filters or the window, or raise --limit)`
    : '';
  return `${found} of ${what} ${window}${truncated}`;
}

function outputOf(lines: string[], requestId: string, namespace: string): ResultOutput {
  return {
    filename: `logs-${namespace}-${requestId}.txt`,
    title: `Logs of ${namespace} (${requestId})`,
    lines,
  };
}
