/**
 * Masks what looks like a credential in a log line before the line leaves the process. Broad on purpose: a
 * masked harmless string costs little, a leaked token costs a rotation. Each pattern keeps a short prefix
 * (`xoxb-`, `AKIA`) so a reader still sees what kind of secret was there.
 */
const patterns: { pattern: RegExp; replace: string }[] = [
  // PEM private keys, whole block (or to the end of the line when it was cut).
  {
    pattern: /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
    replace: '-----BEGIN $1PRIVATE KEY-----[masked]',
  },
  // Slack tokens: bot, user, app-level, refresh, config.
  { pattern: /\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]{8,}/g, replace: '$1-[masked]' },
  // AWS access key ids, and secret keys given by name.
  { pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: '$1[masked]' },
  {
    pattern:
      /(aws_secret_access_key|secret_access_key|secretAccessKey)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+]{30,}/gi,
    replace: '$1$2[masked]',
  },
  // JSON Web Tokens.
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: 'eyJ[masked-jwt]' },
  // Authorization headers and bearer/basic credentials.
  { pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: '$1 [masked]' },
  // GitHub and generic prefixed API tokens.
  { pattern: /\b(gh[pousr]_)[A-Za-z0-9]{20,}/g, replace: '$1[masked]' },
  { pattern: /\b(glpat-)[A-Za-z0-9_-]{20,}/g, replace: '$1[masked]' },
  // Credentials in URLs: scheme://user:password@host.
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, replace: '$1:[masked]@' },
  // name=value and name: value pairs whose name says secret.
  {
    pattern:
      /\b([\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth)[\w.-]*)(["']?\s*[:=]\s*)(?!(?:Bearer|Basic|Token)\s)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi,
    replace: '$1$2[masked]',
  },
];

export function maskSecrets(line: string): string {
  let masked = line;
  for (const { pattern, replace } of patterns) masked = masked.replace(pattern, replace);
  return masked;
}
