import { z } from 'zod';

/** What a denial shows of the rule package that gave it: its METADATA title, description and first link. */
const aboutSchema = z.strictObject({
  title: z.string().min(1),
  description: z.string().min(1),
  url: z.string().min(1),
});

/** The raw decision document a bundle's `decision` entry point returns (policies/README.md, v2). */
export const rawDecisionSchema = z.strictObject({
  allow: z.boolean(),
  deny: z.array(
    z.strictObject({ rule: z.string().min(1), message: z.string().min(1), about: aboutSchema.optional() }),
  ),
  approval: z.strictObject({
    required: z.boolean(),
    groups: z.array(z.string()),
    count: z.number().int().min(0),
    expires_in: z.string(),
    reasons: z.array(z.string()),
  }),
  warnings: z.array(z.string()),
  obligations: z.record(z.string(), z.unknown()),
});

export type RawDecision = z.output<typeof rawDecisionSchema>;
