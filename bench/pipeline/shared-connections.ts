// An experiment, not the product: `--shared-connections` loads this in the bench process and (with
// `--import`) in the worker. @kubernetes/client-node 2.0.1 builds a new undici Agent in
// `KubeConfig.applySecurityAuthentication` for every request, so every request opens a new TLS connection
// (client certificate included). Here each KubeConfig keeps the first dispatcher per cluster and user and
// hands it to every later request, so connections are reused as a keep-alive client would.
import { KubeConfig } from '@kubernetes/client-node';

type Context = Parameters<KubeConfig['applySecurityAuthentication']>[0];
const original = KubeConfig.prototype.applySecurityAuthentication;
const cache = new WeakMap<KubeConfig, Map<string, ReturnType<Context['getDispatcher']>>>();

KubeConfig.prototype.applySecurityAuthentication = async function (this: KubeConfig, context: Context) {
  await original.call(this, context);
  const key = `${this.getCurrentCluster()?.name ?? ''}/${this.getCurrentUser()?.name ?? ''}`;
  const byKey = cache.get(this) ?? new Map();
  cache.set(this, byKey);
  const shared = byKey.get(key);
  if (shared) context.setDispatcher(shared);
  else {
    const fresh = context.getDispatcher();
    if (fresh) byKey.set(key, fresh);
  }
};
