import { z } from 'zod';

/** A text parameter; a missing one is reported as 'is required' rather than as a type error. */
export const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') });

/**
 * A text parameter parsed once into a typed value. Text that does not parse is one issue, worded by
 * `problem` (which sees the text, so it can quote it); nothing downstream parses the text again.
 */
export const parsedText = <T>(parse: (value: string) => T | undefined, problem: (value: string) => string) =>
  text().transform((value, ctx): T => {
    const parsed = parse(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: problem(value), input: value });
      return z.NEVER;
    }
    return parsed;
  });

/** `"lots"`, quoted and cut short, for a message that names what was given. */
export const quoted = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

export const dnsLabel = text()
  .max(63, 'must be at most 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS label: lowercase letters, digits and dashes, starting and ending with a letter or digit',
  );

export const clusterName = dnsLabel;
export const teamName = dnsLabel;

const hostLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A lowercase RFC 1123 host name: dot-separated labels of up to 63 characters, 253 in all. */
export function isHostname(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => hostLabel.test(label));
}

/** A fully qualified host name (at least two labels), such as `web.team-a.apps.n3r.io`. */
export const hostname = text().refine(
  (value) => isHostname(value) && value.includes('.'),
  'must be a lowercase DNS name such as web.team-a.apps.n3r.io',
);

/** A whole number within bounds, typed as text the way flags arrive. */
export const wholeNumber = (
  min: number,
  max: number,
  problem = `must be a whole number from ${min} to ${max}`,
) =>
  parsedText(
    (value) => {
      if (!/^\d{1,9}$/.test(value)) return undefined;
      const n = Number(value);
      return n >= min && n <= max ? n : undefined;
    },
    () => problem,
  );

export const yesNo = z.enum(['yes', 'no'], { error: "must be 'yes' or 'no'" });
