// Raw TCP peers for the network rungs (research §6: "Not OPC UA, silent, or drop-on-accept:
// plain net.createServer stubs"). Used by the ladder tests and the fault matrix.
import { createServer, type Server, type Socket } from 'node:net';
import { encodeErr } from '../opcua/uacp.ts';

export type PeerBehaviour = 'silent' | 'http' | 'drop' | 'opcua-error';

export interface RawPeer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `opcua-error` answers the Hello with an OPC UA ERR message (Part 6 §7.1.2.4) carrying
 * `status`, the way a strict stack refuses an endpoint URL or is too busy.
 */
export async function startRawPeer(behaviour: PeerBehaviour, status = 0x80830000): Promise<RawPeer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    if (behaviour === 'drop') socket.destroy();
    else if (behaviour === 'http') {
      socket.once('data', () =>
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
      );
    } else if (behaviour === 'opcua-error')
      socket.once('data', () => socket.end(encodeErr(status, 'refused')));
  });
  return listenPeer(server, sockets);
}

/** Listens on a free loopback port; close() ends every socket in `sockets`, then the server. */
export async function listenPeer(server: Server, sockets: ReadonlySet<Socket>): Promise<RawPeer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `opc.tcp://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was just free: listen, note the port, close. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
