import { parsedText, quoted } from './text.js';

/** Container image references as people type them, split the way registries and the policy see them. */

export interface ImageRef {
  /** The normalised reference: `docker.io/library/nginx:1.27`. */
  ref: string;
  /** `docker.io` when the reference names none. */
  registry: string;
  /** `library/nginx` for a Docker Hub official image given as `nginx`. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

const dockerHub = 'docker.io';
// The distribution spec's grammar (github.com/distribution/reference), lowercase repositories only.
const pathComponent = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const digestPattern = /^sha256:[a-f0-9]{64}$/;
const hostPattern =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d{1,5})?$/;

/**
 * `nginx:1.27` → docker.io/library/nginx, tag 1.27; `ghcr.io/team-a/web@sha256:…` → digest only.
 * The first path component is a registry when it has a dot or a port or is `localhost`, as Docker decides.
 * Undefined when the text is not an image reference.
 */
export function parseImageRef(text: string): ImageRef | undefined {
  if (text.length === 0 || text.length > 255 || /\s/.test(text)) return undefined;
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return undefined;
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const namesRegistry =
    parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (namesRegistry && !hostPattern.test(first)) return undefined;
  const registry = namesRegistry ? first.toLowerCase() : dockerHub;
  const path = namesRegistry ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((p) => pathComponent.test(p))) return undefined;
  const repository = registry === dockerHub && path.length === 1 ? `library/${path[0]}` : path.join('/');
  const ref = `${registry}/${repository}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`;
  return { ref, registry, repository, tag, digest };
}

/** An image flag: the reference as the registry and the policy see it, and the text as given. */
export interface Image extends ImageRef {
  text: string;
}

/** The parts of an image the policy sees (`input.request.params.image`). */
export const imageForPolicy = ({ ref, registry, repository, tag, digest }: ImageRef): ImageRef => ({
  ref,
  registry,
  repository,
  tag,
  digest,
});

export const image = parsedText<Image>(
  (text) => {
    const ref = parseImageRef(text);
    return ref === undefined ? undefined : { ...ref, text };
  },
  (text) => `${quoted(text)} is not a container image (e.g. ghcr.io/team-a/web:1.4.2 or nginx@sha256:…)`,
);
