import { z } from 'zod';

/** What a job carries: only the request id. The record in the store is the truth the worker reads. */
export const jobDataSchema = z.strictObject({
  v: z.literal(1),
  requestId: z.string().regex(/^r-[a-z0-9]+$/),
});
export type JobData = z.output<typeof jobDataSchema>;
