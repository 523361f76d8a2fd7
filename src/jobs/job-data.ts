import { z } from 'zod';

/** What a job carries: only the request id. The record in the store is the truth the worker reads. */
export const jobDataSchema = z.strictObject({
  v: z.literal(1),
  requestId: z.string().regex(/^r-[a-z0-9]+$/),
  /** For a request that changes several clusters: the one this job changes (its queue's cluster). */
  target: z.string().min(1).optional(),
});
export type JobData = z.output<typeof jobDataSchema>;
