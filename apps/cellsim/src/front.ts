import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { NetworkMode } from './faults.ts';

// The public port of a cell. It pipes bytes to the inner node-opcua server or misbehaves the
// way the network-level causes in research §2.3 A look from the client side. Keeping it in
// front of the server lets the inner server restart on another loopback port while the
// endpoint URL the tests dial stays the same.

// What an HTTP server says to bytes it cannot parse (the OPC UA Hello): research §2.3 A3,
// the Kepware Config API on 57412 or Ignition's web port 8088 dialled by mistake.
const HTTP_REPLY =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request';

export interface FrontListener {
  readonly port: number;
  readonly mode: NetworkMode;
  /** Switch behaviour; drops every open connection, as a restarted service or firewall would. */
  setMode(mode: NetworkMode): Promise<void>;
  /** Inner server port to pipe to; undefined while it restarts (connections are dropped). */
  setTarget(port: number | undefined): void;
  close(): Promise<void>;
}

export async function openFront(host: string, port: number, mode: NetworkMode): Promise<FrontListener> {
  const sockets = new Set<Socket>();
  let target: number | undefined;
  let current = mode;
  let server: Server | undefined;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  };

  const pipe = (client: Socket): void => {
    if (target === undefined) {
      client.destroy();
      return;
    }
    const inner = createConnection({ host: '127.0.0.1', port: target });
    track(inner);
    client.pipe(inner);
    inner.pipe(client);
    client.on('close', () => inner.destroy());
    inner.on('close', () => client.destroy());
  };

  const onConnection = (socket: Socket): void => {
    track(socket);
    switch (current) {
      case 'pipe':
        pipe(socket);
        return;
      case 'drop':
        socket.destroy();
        return;
      case 'silent':
        return; // accepted, never answered: the client's Hello times out
      case 'http':
        socket.once('data', () => socket.end(HTTP_REPLY));
        return;
      case 'closed':
        socket.destroy(); // only reachable in the instant before close() completes
        return;
    }
  };

  const listen = (p: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen({ host, port: p, exclusive: true }, () => {
        s.off('error', reject);
        server = s;
        const address = s.address();
        resolve(typeof address === 'object' && address ? address.port : p);
      });
    });

  const stopListening = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  // Even a cell that starts with port-closed needs its port reserved once, so the URL is known.
  const actualPort = await listen(port);
  if (mode === 'closed') await stopListening();

  return {
    port: actualPort,
    get mode() {
      return current;
    },
    async setMode(next) {
      if (next === current) return;
      const previous = current;
      current = next;
      if (next === 'closed') return stopListening();
      for (const socket of sockets) socket.destroy();
      // port-closed cleared: reopen the very same port (EADDRINUSE if someone took it meanwhile)
      if (previous === 'closed') await listen(actualPort);
    },
    setTarget(port) {
      target = port;
      if (port === undefined) for (const socket of sockets) socket.destroy();
    },
    close: stopListening,
  };
}
