import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP relay in front of the apiserver that the test can cut and restore. */
export function apiserverRelay(target: URL, port: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let accepted = 0;
  return {
    /** Connections accepted since the relay was made. */
    get accepted() {
      return accepted;
    },
    async up() {
      server = createServer((client) => {
        accepted++;
        const upstream = createConnection(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async down() {
      for (const s of sockets) s.destroy();
      if (server) {
        const closed = once(server, 'close');
        server.close();
        await closed;
      }
      server = null;
    },
  };
}
