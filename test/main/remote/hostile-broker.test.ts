import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterInput } from '../../../src/common/api/clusters';
import { testConnection } from '../../../src/main/remote/test-connection';
import { useLogdock } from '../protocol/helpers';

// A broker whose answers the client cannot parse: a proxy in front of a real Logdock
// listener that cuts every Metadata response short (its size prefix kept consistent).
// @platformatic/kafka 1.35 then calls `error.findBy` on the plain parse error inside a
// callback: a TypeError nobody catches, which used to take the whole process down.

const logdock = useLogdock();
const METADATA = 3;
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Frames of a byte stream: `[size:int32][payload]`, passed whole to `onFrame`. */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = pending.readInt32BE(0);
      onFrame(pending.subarray(0, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

/** A proxy to `port` that forwards everything but truncates Metadata responses. */
async function manglingProxy(port: number): Promise<number> {
  const server = createServer((client: Socket) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.push(client, upstream);
    const apiOf = new Map<number, number>(); // correlation id -> api key
    client.on(
      'data',
      frames((f) => {
        apiOf.set(f.readInt32BE(8), f.readInt16BE(4));
        upstream.write(f);
      }),
    );
    upstream.on(
      'data',
      frames((f) => {
        if (apiOf.get(f.readInt32BE(4)) !== METADATA) return void client.write(f);
        const cut = Buffer.from(f.subarray(0, 4 + 12));
        cut.writeInt32BE(12, 0);
        client.write(cut);
      }),
    );
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('a broker that answers what the client cannot parse', () => {
  it('fails Test connection with a reason and leaves the process running', async () => {
    const ld = await logdock.start();
    const port = await manglingProxy(ld.port);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const cluster: ClusterInput = {
        name: 'hostile',
        colour: '#3b82f6',
        bootstrapServers: [`127.0.0.1:${port}`],
        security: { protocol: 'PLAINTEXT' },
        readOnly: false,
      };
      const result = await testConnection(cluster, { timeoutMs: 5_000 });
      expect(result.ok).toBe(false);
      expect(uncaught).toEqual([]);
      // The guard touches only the client's own failed requests, not every Error.
      expect('findBy' in new Error('elsewhere')).toBe(false);
      // The same process still answers a healthy cluster.
      const healthy = await testConnection({ ...cluster, bootstrapServers: [ld.bootstrap] });
      expect(healthy.ok).toBe(true);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
