import { randomBytes } from 'node:crypto';

/** An access log line as the platform's collectors ship it to VictoriaLogs. */
export interface AccessLine {
  time: Date;
  namespace: string;
  app: string;
  pod: string;
  container: string;
  message: string;
}

/** An audit document as the platform writes it to OpenSearch. */
export interface AuditDoc {
  '@timestamp': string;
  namespace: string;
  app?: string;
  pod?: string;
  container?: string;
  message: string;
  [field: string]: unknown;
}

export function uniqueNamespace(team = 'team-a'): string {
  return `${team}-${randomBytes(3).toString('hex')}`;
}

/**
 * Pushes access lines through VictoriaLogs' JSON-lines ingestion (stream fields namespace, app, pod,
 * container) and waits until a query sees them all.
 */
export async function seedAccessLogs(url: string, lines: AccessLine[]): Promise<void> {
  const body = lines
    .map((l) =>
      JSON.stringify({
        _time: l.time.toISOString(),
        _msg: l.message,
        namespace: l.namespace,
        app: l.app,
        pod: l.pod,
        container: l.container,
      }),
    )
    .join('\n');
  const response = await fetch(`${url}/insert/jsonline?_stream_fields=namespace,app,pod,container`, {
    method: 'POST',
    // Not a form content type: VictoriaLogs would read the body as form fields and ingest nothing.
    headers: { 'content-type': 'application/stream+json' },
    body,
  });
  if (!response.ok)
    throw new Error(`victorialogs ingestion: HTTP ${response.status} ${await response.text()}`);
  await fetch(`${url}/internal/force_flush`);
  const namespaces = [...new Set(lines.map((l) => l.namespace))];
  for (const namespace of namespaces) {
    const expected = lines.filter((l) => l.namespace === namespace).length;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const form = new URLSearchParams({ query: `namespace:=${JSON.stringify(namespace)} | count() as n` });
      const counted = await fetch(`${url}/select/logsql/query`, { method: 'POST', body: form });
      const n = Number((JSON.parse((await counted.text()) || '{"n":"0"}') as { n: string }).n);
      if (n >= expected) break;
      if (Date.now() > deadline) throw new Error(`victorialogs shows ${n} of ${expected} seeded lines`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Creates an audit index with the platform's mapping and bulk-loads documents into it, visible on return. */
export async function seedAuditDocs(url: string, index: string, docs: AuditDoc[]): Promise<void> {
  const created = await fetch(`${url}/${index}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          namespace: { type: 'keyword' },
          app: { type: 'keyword' },
          pod: { type: 'keyword' },
          container: { type: 'keyword' },
          message: { type: 'text' },
        },
      },
    }),
  });
  if (!created.ok && created.status !== 400) throw new Error(`opensearch index: HTTP ${created.status}`);
  for (let i = 0; i < docs.length; i += 5000) {
    const body = `${docs
      .slice(i, i + 5000)
      .flatMap((doc) => [JSON.stringify({ index: { _index: index } }), JSON.stringify(doc)])
      .join('\n')}\n`;
    const response = await fetch(`${url}/_bulk?refresh=wait_for`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    const result = (await response.json()) as { errors?: boolean };
    if (!response.ok || result.errors)
      throw new Error(`opensearch bulk: HTTP ${response.status} ${JSON.stringify(result).slice(0, 500)}`);
  }
}
