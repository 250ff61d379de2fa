// Raw TCP peers for the network rungs (research §6: "Not OPC UA, silent, or drop-on-accept:
// plain net.createServer stubs"). Used by the ladder tests and the fault matrix.
import { createServer, type Server, type Socket } from 'node:net';

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
      socket.once('data', () => socket.end(errMessage(status, 'refused')));
  });
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

/** ERRF: 'ERR' 'F' size(u32) error(u32) reason(String: i32 length + UTF-8). */
function errMessage(status: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const b = Buffer.alloc(16 + text.length);
  b.write('ERRF', 0, 'ascii');
  b.writeUInt32LE(b.length, 4);
  b.writeUInt32LE(status, 8);
  b.writeInt32LE(text.length, 12);
  text.copy(b, 16);
  return b;
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
