import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { createActivities } from '../activities';
import { MeetingBaasClient, type MeetingBaasClientOptions } from '../activities/meetingbaas/client';
import { WebexClient, type WebexClientOptions } from '../activities/webex/client';
import type { NotifySettings } from '../activities/notify/settings';
import type { Archive } from '../platform/archive';

const DEFAULT_WEBEX_API_URL = 'https://webexapis.com/v1';

/**
 * The workflows, bundled by the worker at start or beforehand by `npm run build`
 * (scripts/build-workflow-bundle.ts: workflow interceptor modules added here must be bundled there too).
 */
export const WORKFLOWS_PATH = require.resolve('../workflows');
/** The file `npm run build` writes next to the compiled code (dist/workflow-bundle.js). */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';
/**
 * Its twin for encrypted payloads (dist/workflow-bundle-encrypted.js): the same workflows with the failure
 * converter that moves a failure's message and stack into an encoded payload, so that failures raised in
 * workflow code (an Update refused, a failed meeting) are encrypted too. Plain payloads keep the plain
 * bundle: failure messages stay readable as before.
 */
export const ENCRYPTED_WORKFLOW_BUNDLE_FILE = 'workflow-bundle-encrypted.js';

/**
 * The prebuilt workflow bundle to load: WORKFLOW_BUNDLE_PATH when set (it must exist), else the one next to
 * the compiled code when there is one (the encrypted twin when `encrypted`). Undefined from the sources: the
 * worker bundles them at start.
 */
export function prebuiltWorkflowBundle(
  env: NodeJS.ProcessEnv = process.env,
  codeDir: string = path.resolve(__dirname, '..'),
  encrypted = false,
): { codePath: string } | undefined {
  const named = env.WORKFLOW_BUNDLE_PATH?.trim();
  if (named) {
    if (!fs.existsSync(named)) throw new Error(`WORKFLOW_BUNDLE_PATH: no file at ${named}`);
    return { codePath: path.resolve(named) };
  }
  const nextToCode = path.join(codeDir, encrypted ? ENCRYPTED_WORKFLOW_BUNDLE_FILE : WORKFLOW_BUNDLE_FILE);
  return fs.existsSync(nextToCode) ? { codePath: nextToCode } : undefined;
}

// How the SDK's bundler wires a custom failure converter into a bundle (a module named
// __temporal_custom_failure_converter resolved to a file; `false` without one).
const CUSTOM_FAILURE_CONVERTER = /__temporal_custom_failure_converter \*\/ "[^"?]*failure-converter\.[jt]s"/;

/** Whether a workflow bundle's code was built with our failure converter (bundleWorkflowCode's failureConverterPath). */
export function bundleEncodesFailures(code: string): boolean {
  return CUSTOM_FAILURE_CONVERTER.test(code);
}

/**
 * With encrypted payloads, a prebuilt bundle without the failure converter would write workflow failure
 * messages in plain text: refused at start, naming the bundle to use.
 */
function checkBundleFor(bundle: { codePath: string }, dataConverter: DataConverter | undefined): void {
  if (!dataConverter?.failureConverterPath) return;
  if (bundleEncodesFailures(fs.readFileSync(bundle.codePath, 'utf8'))) return;
  throw new Error(
    `PAYLOAD_ENCRYPTION_KEYS is set, but the workflow bundle ${bundle.codePath} was built without the ` +
      `failure converter: use ${ENCRYPTED_WORKFLOW_BUNDLE_FILE} (npm run build writes it next to ${WORKFLOW_BUNDLE_FILE})`,
  );
}

export interface MeetingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  archive: Archive;
  allowedHosts: readonly string[];
  meetingBaas: MeetingBaasClientOptions;
  /** Absent: Webex calls fail ProviderNotConfigured (the default base URL, no credentials). */
  webex?: WebexClientOptions;
  /**
   * A prebuilt bundle (tests build one for all their workers), built with the failure converter when
   * `dataConverter` encrypts; otherwise the one `npm run build` made (see prebuiltWorkflowBundle), or the
   * workflows are bundled here (the SDK then takes the failure converter from `dataConverter`).
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * After shutdown() (SIGTERM), how long running activities may go on before they are cancelled: a download
   * that ends within it is archived and reported; one cancelled fails its attempt (its partial kept to resume)
   * and Temporal retries it on another worker at once. Default 0: cancelled at once.
   */
  shutdownGraceMs?: number;
  /** Encrypted payloads (contract/data-converter.ts); unset: plain. */
  dataConverter?: DataConverter;
  /** Notifications of meetings' outcomes (NOTIFY_*); unset: none sent. */
  notify?: NotifySettings;
}

/**
 * Past the grace, cancelled activities have this long to give up before run() fails with
 * GracefulShutdownPeriodExpiredError (an activity that ignores cancellation never holds a worker forever).
 */
export const SHUTDOWN_FORCE_MARGIN_MS = 15_000;

/**
 * How long one activation may run in the workflow sandbox. The SDK's default (5 s) is meant as deadlock
 * detection, but a meeting whose task waited behind a backlog can carry thousands of signals, each costing
 * the SDK about half a millisecond (measured: 5,000 in one activation took 3.8 s on an idle 2-vCPU machine).
 * Past the limit Node terminates the sandbox inside a promise hook and aborts the whole worker ("async hook
 * stack has become corrupted"), so the limit must stay far above any real activation: an infinite loop is
 * still stopped, later. The SDK accepts the option though its type does not name it yet.
 */
export const ACTIVATION_TIME_LIMIT = '60s';

export async function createMeetingWorker(options: MeetingWorkerOptions): Promise<Worker> {
  const encrypted = !!options.dataConverter?.failureConverterPath;
  const bundle = options.workflowBundle ?? prebuiltWorkflowBundle(process.env, undefined, encrypted);
  if (bundle && 'codePath' in bundle) checkBundleFor(bundle, options.dataConverter);
  return await Worker.create({
    ...{ isolateExecutionTimeout: ACTIVATION_TIME_LIMIT },
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.shutdownGraceMs !== undefined
      ? {
          shutdownGraceTime: options.shutdownGraceMs,
          shutdownForceTime: options.shutdownGraceMs + SHUTDOWN_FORCE_MARGIN_MS,
        }
      : {}),
    activities: createActivities({
      archive: options.archive,
      allowedHosts: options.allowedHosts,
      meetingBaas: new MeetingBaasClient(options.meetingBaas),
      webex: new WebexClient(options.webex ?? { baseUrl: DEFAULT_WEBEX_API_URL }),
      notify: options.notify,
    }),
  });
}
