/** @module A loopback TCP proxy tests can cut and restore, to make PostgreSQL or Redis "unreachable" without stopping the server. */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type TcpProxy = {
  readonly port: number;
  readonly url: (scheme: string, rest?: string) => string;
  /** Stops listening and drops every open connection: clients see connection refused / reset. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
};

export async function startTcpProxy(targetHost: string, targetPort: number, port = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (p: number): Promise<number> => new Promise((resolve, reject) => {
    const s = createServer((client) => {
      const upstream = createConnection({ host: targetHost, port: targetPort });
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      sockets.add(client);
      sockets.add(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    s.once('error', reject);
    s.listen(p, '127.0.0.1', () => {
      server = s;
      const a = s.address();
      resolve(typeof a === 'object' && a !== null ? a.port : p);
    });
  });
  const actual = await listen(port);
  const cut = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  return {
    port: actual,
    url: (scheme, rest = '') => `${scheme}://127.0.0.1:${actual}${rest}`,
    cut,
    restore: async () => {
      if (!server) await listen(actual);
    },
    close: cut,
  };
}
