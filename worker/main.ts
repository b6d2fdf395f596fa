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
  try {
    Runtime.install({
      logger: temporalLogger(log),
      telemetryOptions: {
        // Core's own lines through the same logger (JSON), not to stderr in Core's format.
        logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
        ...(config.WORKER_METRICS_ADDRESS
          ? { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } }
          : {}),
      },
    });
  } catch (err) {
    // In practice: the metrics port is taken (another worker on this host).
    throw new Error(
      `could not start the Temporal runtime (WORKER_METRICS_ADDRESS=${config.WORKER_METRICS_ADDRESS ?? 'off'}: ` +
        'give each worker on a host its own host:port, or off)',
      { cause: err },
    );
  }

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
    {
      address: connectionOptions.address,
      namespace,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      metrics: config.WORKER_METRICS_ADDRESS ? `http://${config.WORKER_METRICS_ADDRESS}/metrics` : 'off',
    },
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
