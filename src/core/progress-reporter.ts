/**
 * Coalesces an executor's progress lines into few messages: the first line goes out at once, later
 * ones are gathered and sent together at most once per interval, so a chatty rollout never runs into
 * Slack's per-channel rate limit. `flush` sends what is left.
 */
export function createProgressReporter(send: (lines: string[]) => Promise<void>, intervalMs = 3000) {
  let pending: string[] = [];
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> = Promise.resolve();

  const sendPending = () => {
    timer = null;
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    lastSent = Date.now();
    sending = sending.then(() => send(lines)).catch(() => undefined);
  };

  return {
    report(line: string): void {
      pending.push(line);
      if (timer) return;
      const wait = Math.max(0, lastSent + intervalMs - Date.now());
      if (wait === 0) sendPending();
      else timer = setTimeout(sendPending, wait);
    },
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      sendPending();
      await sending;
    },
  };
}
