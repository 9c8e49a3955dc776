/**
 * API transport overhead: `system.info` calls through the in-process client and through the
 * WebSocket transport (JSON frames over a real loopback socket), one at a time (latency) and
 * 200 in flight (throughput). Prints figures; asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ApiClient } from '../src/common/api/contract';
import {
  createWebSocketClient,
  type WebSocketConstructor,
} from '../src/common/transport/websocket-client';
import { WS_PATH } from '../src/common/transport/wire';
import { createDispatcher } from '../src/main/api/handlers';
import { silentLogger } from '../src/main/logger';
import { openServices } from '../src/main/services';
import { createInProcessClient } from '../src/main/transport/inprocess';
import { attachWebSocketApi } from '../src/main/transport/websocket';

const SEQUENTIAL = 2000;
const CONCURRENT = 20_000;
const IN_FLIGHT = 200;

async function measure(name: string, client: ApiClient): Promise<void> {
  for (let i = 0; i < 200; i++) await client.call('system.info', {}); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t0 = performance.now();
    await client.call('system.info', {});
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.floor((latencies.length - 1) * p)].toFixed(3);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < CONCURRENT) await client.call('system.info', {});
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${name.padEnd(12)} latency p50 ${pct(0.5)} ms  p99 ${pct(0.99)} ms   ` +
      `throughput ${Math.round(CONCURRENT / seconds)} calls/s (${IN_FLIGHT} in flight)`,
  );
}

export async function run(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'logdock-bench-transport-'));
  const services = await openServices({
    dataDir,
    mode: 'test',
    logger: silentLogger,
    collectors: false,
  });
  const dispatcher = createDispatcher(services);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const ws = attachWebSocketApi({
    server,
    dispatcher,
    token: 'bench',
    allowedOrigins: () => [],
    logger: silentLogger,
  });
  const wsClient = createWebSocketClient({
    url: `ws://127.0.0.1:${port}${WS_PATH}`,
    token: 'bench',
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
  try {
    await measure('in-process', createInProcessClient(dispatcher));
    await measure('websocket', wsClient);
  } finally {
    wsClient.close();
    await ws.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
