import { KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];
type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

/**
 * A KubeConfig whose requests share one connection pool per cluster and user. client-node 2.0.1 builds a
 * new HTTP agent for every request, so every request paid a TLS handshake with its client certificate:
 * the pipeline benchmark measured 4.5× the CPU per request in the worker (bench/README.md). Credentials
 * sent as headers (tokens) are still applied per request; certificates are read once per process.
 */
export class PooledKubeConfig extends KubeConfig {
  readonly #pools = new Map<string, Dispatcher>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const key = `${this.getCurrentCluster()?.name ?? ''}/${this.getCurrentUser()?.name ?? ''}`;
    const pooled = this.#pools.get(key);
    if (pooled) context.setDispatcher(pooled);
    else {
      const fresh = context.getDispatcher();
      if (fresh) this.#pools.set(key, fresh);
    }
  }
}
