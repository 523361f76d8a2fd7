import {
  type Configuration,
  HttpMethod,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { RequestGate } from './token-bucket.js';

export interface ApplyOptions {
  fieldManager: string;
  /** Server-side dry run: the apiserver validates and answers, nothing is stored. @defaultValue false */
  dryRun?: boolean;
  /**
   * Take over fields another manager owns. Without it, an apply that would change a field another manager
   * holds is refused (HTTP 409 naming each field and manager) and nothing is written. @defaultValue false
   */
  force?: boolean;
}

/**
 * The generic object client, but objects travel as plain JSON both ways. The stock client maps objects
 * through its typed models, which silently drops fields whose JSON names differ from the model's
 * (`x-kubernetes-int-or-string` in CRD schemas) and fields newer than the client; for server-side
 * apply that would quietly change what is applied.
 */
export class RawObjectApi extends KubernetesObjectApi {
  #gate: RequestGate | null = null;
  #onError: ((status: string) => void) | null = null;

  /**
   * `gate` is waited on before every request: the client-side rate limit toward this cluster. `onError`
   * hears of every failed request, with its HTTP status or `network` (metrics).
   */
  static fromKubeConfig(
    kc: KubeConfig,
    gate: RequestGate | null = null,
    onError: ((status: string) => void) | null = null,
  ): RawObjectApi {
    const api = kc.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(kc);
    api.#gate = gate;
    api.#onError = onError;
    return api;
  }

  /** Server-side apply of one object; returns the object as the apiserver stored (or would store) it. */
  async apply<T extends KubernetesObject>(object: T, options: ApplyOptions): Promise<T> {
    const path = await this.specUriPath(object, 'patch');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    request.setQueryParam('fieldManager', options.fieldManager);
    request.setQueryParam('force', String(options.force ?? false));
    if (options.dryRun) request.setQueryParam('dryRun', 'All');
    request.setBody(JSON.stringify(object));
    return this.requestPromise<T>(request);
  }

  /** The live object, or null when it does not exist. */
  async get<T extends KubernetesObject>(ref: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  }): Promise<T | null> {
    try {
      return await this.read<T>(ref);
    } catch (error) {
      if ((error as { code?: number }).code === 404) return null;
      throw error;
    }
  }

  protected override async requestPromise<T extends KubernetesObject>(
    request: RequestContext,
    type?: string,
    options?: Configuration,
  ): Promise<T> {
    await this.#gate?.take();
    try {
      return await super.requestPromise<T>(request, type, options);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.#onError?.(typeof code === 'number' ? String(code) : 'network');
      throw error;
    }
  }

  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
  ): Promise<T> {
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      return JSON.parse(await response.body.text()) as T;
    }
    return super.processResponse(response);
  }
}
