// The worker process: runs meeting workflows and their activities on the `meetings` task queue.
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { archiveFromConfig } from '../platform/archive';
import { loadConfigOrExit, notifySettings } from '../platform/config';
import { createLogger } from '../platform/logger';
import {
  connectWithRetry,
  ensureSearchAttributes,
  temporalConnectConfig,
  temporalLogger,
} from '../platform/temporal';
import { dataConverterFor } from '../contract/data-converter';
import { createMeetingWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger('worker', config);

  // SIGTERM/SIGINT: the worker stops taking tasks and its running activities get
  // WORKER_SHUTDOWN_GRACE_SECONDS to finish (then they are cancelled, and retried elsewhere). Handled here
  // rather than by the SDK's Runtime, so that a second signal (Ctrl-C's SIGINT to the whole process group
  // and a supervisor's SIGTERM, say) neither kills the process in the middle of its grace nor is lost.
  let worker: Worker | undefined = undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.info({ signal }, 'worker already stopping');
      return;
    }
    stopping = true;
    if (worker?.getState() !== 'RUNNING') {
      // Still starting (waiting for Temporal, bundling): nothing in flight to hand over.
      log.info({ signal }, 'worker stopping before it started');
      process.exit(0);
    }
    log.info(
      {
        signal,
        runningActivities: worker.getStatus().numInFlightActivities,
        graceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
      },
      'worker stopping: no new tasks; running activities may finish within the grace, then are cancelled and retried',
    );
    worker.shutdown();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // A worker that cannot write the archive would take meetings only to fail their downloads: refuse to start
  // (a supervisor starts it again later).
  const archive = archiveFromConfig(config);
  try {
    await archive.checkWritable();
  } catch (err) {
    log.fatal(
      { err, archive: archive.location },
      `the archive ${archive.location} is not writable: the worker does not start`,
    );
    process.exitCode = 1;
    return;
  }

  try {
    Runtime.install({
      logger: temporalLogger(log),
      // Signals are handled above.
      shutdownSignals: [],
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

  worker = await createMeetingWorker({
    connection,
    namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter: dataConverterFor(config.PAYLOAD_ENCRYPTION_KEYS),
    shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    archive,
    allowedHosts: config.DOWNLOAD_ALLOWED_HOSTS,
    notify: notifySettings(config),
    meetingBaas: {
      baseUrl: config.MEETINGBAAS_API_URL,
      apiKey: config.MEETINGBAAS_API_KEY,
      apiVersion: config.MEETINGBAAS_API_VERSION,
      webhookUrl: config.PUBLIC_URL && `${config.PUBLIC_URL.replace(/\/+$/, '')}/webhooks/meetingbaas`,
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
  // Resolves once stop() has been called and the running activities have finished or been cancelled.
  await worker.run();
  await connection.close();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
