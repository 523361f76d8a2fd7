import { z } from 'zod';

/** The raw decision document a bundle's `decision` entry point returns (policies/README.md, v1). */
export const rawDecisionSchema = z.strictObject({
  allow: z.boolean(),
  deny: z.array(z.strictObject({ rule: z.string().min(1), message: z.string().min(1) })),
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
