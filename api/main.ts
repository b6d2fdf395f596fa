// The API process: webhooks in, meeting views out.
import { Client, Connection } from '@temporalio/client';
import { FileArchive } from '../platform/archive';
import { loadConfigOrExit } from '../platform/config';
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
  const client = new Client({ connection, namespace });
  const gateway = new MeetingsGateway(client, gatewayOptions(config));
  const app = createApp({ config, gateway, archive: new FileArchive(config.ARCHIVE_DIR), log });
  const server = app.listen(config.PORT, () => {
    log.info({ port: config.PORT, temporal: connectionOptions.address, namespace }, 'api listening');
  });

  const stop = (signal: string) => {
    log.info({ signal }, 'api stopping');
    server.close(() => {
      void connection.close().finally(() => process.exit(0));
    });
    // Keep-alive connections would hold close() open.
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
