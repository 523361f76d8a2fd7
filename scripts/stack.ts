// Starts the local services and keeps them up until Ctrl-C: `npm run stack`. Prints what to connect to.
import { startLocalStack } from './local-stack/stack.js';

const stack = await startLocalStack({ keepState: process.argv.includes('--keep-state') });
console.log(
  JSON.stringify(
    {
      redisUrl: stack.redisUrl,
      ...stack.controlPlane,
      alertmanagerUrl: stack.alertmanager?.url,
      victoriaLogsUrl: stack.victoriaLogsUrl,
      openSearchUrl: stack.openSearchUrl,
      pids: stack.pids,
    },
    null,
    2,
  ),
);
const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
