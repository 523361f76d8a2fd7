import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import { readBoundedBody } from './read-bounded-body.js';

/** A route's answer: status, JSON or text body, extra headers. */
export interface HttpAnswer {
  status: number;
  body?: unknown;
  /** `text/plain` bodies are sent as they are (Prometheus exposition); others as JSON. @defaultValue application/json */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The raw body, read up to the route's limit. */
  body: Buffer;
}

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  /** Bodies over this many bytes are refused with 413 before the handler runs. @defaultValue 1 MiB */
  maxBodyBytes?: number;
  handle(request: HttpRequest): Promise<HttpAnswer>;
}

export interface OpsServer {
  port: number;
  stop(): Promise<void>;
}

const defaultMaxBody = 1024 * 1024;

/**
 * The process's own HTTP endpoint, apart from Slack's receiver (which Socket Mode does not have):
 * health, metrics and webhooks such as Alertmanager's. Both roles run one.
 */
export async function startOpsServer(
  routes: readonly HttpRoute[],
  options: {
    port: number;
    host: string;
    log: Logger;
    /** Told of every route that failed with a 500 (metrics). */
    onRouteError?: () => void;
  },
): Promise<OpsServer> {
  const server = createServer((req, res) => {
    void serve(routes, req, res, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, stop: () => close(server) };
}

async function serve(
  routes: readonly HttpRoute[],
  req: IncomingMessage,
  res: ServerResponse,
  { log, onRouteError }: { log: Logger; onRouteError?: () => void },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const onPath = routes.filter((r) => r.path === url.pathname);
  const route = onPath.find((r) => r.method === req.method);
  try {
    if (!route) {
      req.resume();
      if (onPath.length > 0) {
        return send(res, {
          status: 405,
          headers: { allow: onPath.map((r) => r.method).join(', ') },
          body: { error: 'method not allowed' },
        });
      }
      return send(res, { status: 404, body: { error: 'not found' } });
    }
    const body = await readBoundedBody(req, route.maxBodyBytes ?? defaultMaxBody);
    if (body === null) {
      return send(res, { status: 413, body: { error: 'request body too large' } });
    }
    const answer = await route.handle({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    });
    send(res, answer);
  } catch (error) {
    onRouteError?.();
    log.error({ err: error, path: url.pathname }, 'http route failed');
    if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error' } });
  }
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const contentType = answer.contentType ?? 'application/json';
  const payload =
    answer.body === undefined
      ? ''
      : contentType.startsWith('application/json')
        ? JSON.stringify(answer.body)
        : String(answer.body);
  res.writeHead(answer.status, { 'content-type': contentType, ...answer.headers });
  res.end(payload);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
