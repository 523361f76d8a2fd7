import type { RequestRecord } from './request.js';

/** The approvals that still count: those given for the request as it is now. */
export function currentApprovals(record: RequestRecord) {
  return record.approvals.filter((a) => a.requestHash === record.requestHash);
}
