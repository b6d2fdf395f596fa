// The API process: webhooks in, meeting views out.
import { Client, Connection } from '@temporalio/client';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { archiveFromConfig } from '../platform/archive';
import { loadConfigOrExit } from '../platform/config';
import { dataConverterFor } from '../contract/data-converter';
import { createLogger } from '../platform/logger';
import { temporalConnectConfig } from '../platform/temporal';
import { createApp } from './app';
import { gatewayOptions, MeetingsGateway } from './temporal-gateway';

function main(): void {
  const config = loadConfigOrExit();
  const log = createLogger('api', config);
  const { connectionOptions, namespace } = temporalConnectConfig();
  // Lazy: the API starts (and answers 503) while Temporal is down, and reconnects when it is back.
  const connection = Connection.lazy(connectionOptions);
  const dataConverter = dataConverterFor(config.PAYLOAD_ENCRYPTION_KEYS);
  const client = new Client({ connection, namespace, dataConverter });
  const archive = archiveFromConfig(config);
  const gateway = new MeetingsGateway(client, gatewayOptions(config, archive));
  if (!config.API_TOKENS)
    log.warn('API_TOKENS is not set: only the webhooks and the probes answer; every other route says 401');
  let draining = false;
  const app = createApp({
    config,
    codec: dataConverter?.payloadCodecs?.[0],
    gateway,
    archive,
    log,
    draining: () => draining,
  });
  const server = app.listen(config.PORT, () => {
    log.info({ port: config.PORT, temporal: connectionOptions.address, namespace }, 'api listening');
  });

  // The requests in flight, for the drain; while draining, every answer closes its connection, so that
  // keep-alive clients (load balancers, providers) reconnect to another instance.
  const inFlight = new Set<ServerResponse>();
  server.prependListener('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (draining) res.setHeader('connection', 'close');
  });

  // SIGTERM/SIGINT: /readyz answers 503 at once; the requests in flight are served to the end (new ones
  // too, meanwhile), then the port is closed and the process exits 0. After API_SHUTDOWN_GRACE_SECONDS the
  // connections still open are closed and it exits 1. Another signal while stopping changes nothing.
  const stop = (signal: NodeJS.Signals) => {
    if (draining) {
      log.info({ signal, inFlight: inFlight.size }, 'api already stopping');
      return;
    }
    draining = true;
    const pending = [...inFlight];
    log.info(
      { signal, inFlight: pending.length, graceSeconds: config.API_SHUTDOWN_GRACE_SECONDS },
      'api stopping: not ready any more, draining the requests in flight',
    );
    for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
    let exitCode = 0;
    const grace = setTimeout(() => {
      exitCode = 1;
      log.warn({ inFlight: inFlight.size }, 'api: shutdown grace over, closing the connections still open');
      server.closeAllConnections();
      // Whatever still holds the process (a hung Temporal connection) does not hold it forever.
      setTimeout(() => process.exit(1), 5000).unref();
    }, config.API_SHUTDOWN_GRACE_SECONDS * 1000);
    void (async () => {
      await Promise.all(pending.filter((res) => !res.closed).map((res) => once(res, 'close')));
      // No new connections; idle keep-alive ones closed now, busy ones once their answer is sent.
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
      clearTimeout(grace);
      await connection.close().catch((err: unknown) => log.warn({ err }, 'closing the Temporal connection'));
      log.info({ exitCode }, 'api stopped');
      process.exit(exitCode);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
