import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { MeetingBaasClient, type MeetingBaasClientOptions } from '../activities/meetingbaas/client';
import { WebexClient, type WebexClientOptions } from '../activities/webex/client';
import type { FileArchive } from '../platform/archive';

const DEFAULT_WEBEX_API_URL = 'https://webexapis.com/v1';

export interface MeetingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  archive: FileArchive;
  allowedHosts: readonly string[];
  meetingBaas: MeetingBaasClientOptions;
  /** Absent: Webex calls fail ProviderNotConfigured (the default base URL, no credentials). */
  webex?: WebexClientOptions;
  /** A prebuilt bundle (tests build one for all their workers); otherwise the workflows are bundled here. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createMeetingWorker(options: MeetingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({
      archive: options.archive,
      allowedHosts: options.allowedHosts,
      meetingBaas: new MeetingBaasClient(options.meetingBaas),
      webex: new WebexClient(options.webex ?? { baseUrl: DEFAULT_WEBEX_API_URL }),
    }),
  });
}
