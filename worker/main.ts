// The worker process: runs meeting workflows and their activities on the `meetings` task queue.
import { NativeConnection, Runtime } from '@temporalio/worker';
import { FileArchive } from '../platform/archive';
import { loadConfigOrExit } from '../platform/config';
import { createLogger } from '../platform/logger';
import {
  connectWithRetry,
  ensureSearchAttributes,
  temporalConnectConfig,
  temporalLogger,
} from '../platform/temporal';
import { createMeetingWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger('worker', config);
  Runtime.install({ logger: temporalLogger(log) });

  const { connectionOptions, namespace } = temporalConnectConfig();
  const connection = await connectWithRetry(
    () => NativeConnection.connect(connectionOptions),
    log,
    connectionOptions.address,
  );
  await ensureSearchAttributes(connection.operatorService, namespace, log);

  const worker = await createMeetingWorker({
    connection,
    namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    archive: new FileArchive(config.ARCHIVE_DIR),
    allowedHosts: config.DOWNLOAD_ALLOWED_HOSTS,
    meetingBaas: {
      baseUrl: config.MEETINGBAAS_API_URL,
      apiKey: config.MEETINGBAAS_API_KEY,
      apiVersion: config.MEETINGBAAS_API_VERSION,
    },
    webex: {
      baseUrl: config.WEBEX_API_URL,
      accessToken: config.WEBEX_ACCESS_TOKEN,
      // The config check makes sure the three come together.
      oauth:
        config.WEBEX_CLIENT_ID && config.WEBEX_CLIENT_SECRET && config.WEBEX_REFRESH_TOKEN
          ? {
              clientId: config.WEBEX_CLIENT_ID,
              clientSecret: config.WEBEX_CLIENT_SECRET,
              refreshToken: config.WEBEX_REFRESH_TOKEN,
            }
          : undefined,
    },
  });
  log.info(
    { address: connectionOptions.address, namespace, taskQueue: config.TEMPORAL_TASK_QUEUE },
    'worker started',
  );
  // Worker.run resolves after SIGINT/SIGTERM once in-flight tasks are handed back.
  await worker.run();
  await connection.close();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
