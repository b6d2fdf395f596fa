import { startEphemeralTemporal } from '../../dev/ephemeral-temporal';
import { quietRuntime, READ_TOKEN, startStack, WRITE_TOKEN } from '../../dev/stack';
import { createLogger, type Logger } from '../../platform/logger';
import type { DemoTarget } from './target';

// The whole service for the demo when none is running: an in-memory Temporal dev server with its web UI,
// the provider simulator, a worker and the API, on free ports, in this process. Its watchdogs are short so
// that every meeting of the demo ends while it waits (the defaults wait 30 min to 24 h on purpose).

/** Short enough for the demo: the reconciled meeting is found in seconds, a missing Webex asset given up in 15 s. */
const DEMO_WATCHDOG = { finalDataTimeoutSeconds: 5, reconcileIntervalSeconds: 2 };
const DEMO_WEBEX = { assetDeadlineSeconds: 15, pollIntervalSeconds: 2, maxPollIntervalSeconds: 5 };

export interface SelfStartedService {
  target: DemoTarget;
  writeToken: string;
  /** The service's log, one line per request; silent until `showLogs`. */
  log: Logger;
  showLogs(): void;
  stop(): Promise<void>;
}

export async function startDemoService(): Promise<SelfStartedService> {
  // Before anything makes the SDK's Runtime: the stack routes the worker's own lines to its log through it.
  quietRuntime();
  const temporal = await startEphemeralTemporal();
  const log = createLogger('demo', { LOG_LEVEL: 'silent', LOG_FORMAT: 'pretty' });
  try {
    const stack = await startStack({
      address: temporal.env.address,
      taskQueue: 'meetings',
      watchdog: DEMO_WATCHDOG,
      // As npm start's .env.example: finished meetings stay open an hour to record late deliveries.
      lingerSeconds: 3600,
      webex: DEMO_WEBEX,
      log,
      compactRequestLog: true,
    });
    return {
      target: {
        apiUrl: stack.apiUrl,
        simulatorUrl: stack.sim.url,
        temporalUiUrl: temporal.uiUrl,
        namespace: 'default',
        readToken: READ_TOKEN,
        shortWatchdogs: true,
      },
      writeToken: WRITE_TOKEN,
      log,
      showLogs: () => {
        log.level = 'info';
      },
      async stop() {
        await stack.stop();
        await temporal.env.teardown();
      },
    };
  } catch (err) {
    await temporal.env.teardown();
    throw err;
  }
}
