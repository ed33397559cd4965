/**
 * The demo's monitor port when `--port 0` asks for any free one: the simulated nodes' trace and log exporters
 * need the monitor's address before it listens, so the port is chosen first.
 */
import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a listener that is closed again
 * at once. Another process may take it before the caller listens (the caller's listen then fails with
 * EADDRINUSE and says so).
 * @returns a port in 1..65535
 * @throws the listen error when no port can be bound on 127.0.0.1
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string')
    throw new Error('no TCP address for a loopback listener');
  return address.port;
}
