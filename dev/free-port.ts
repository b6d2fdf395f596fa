import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it), for a server started next. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A TCP port free on 127.0.0.1 now and below Linux's ephemeral range (32768 and up by default), for a
 * server that is stopped and started again on the same port: while it is down, no outgoing connection of
 * any process can be given its port (which happens to a port the OS picked, under heavy traffic).
 */
export async function freePortForRestarts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}
