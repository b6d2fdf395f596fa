// How the service talks to its workflows: their type names, inputs and results, signals, query and Update.
// Shared by the workflows, the API and the typed client. The workflow bundle loads this file, so it stays
// free of zod and Node built-ins (eslint.config.mjs): every open meeting would evaluate them (BENCHMARKS.md).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProviderEvent } from '../domain/events';
import type { ArchiveRef } from '../domain/archive-ref';
import type { Provider } from '../domain/workflow-id';
import type { BotRequest } from '../domain/meetingbaas/bot-request';
import type { BotRequestAbout } from '../domain/meetingbaas/bot-request-about';
import type { MeetingSnapshot } from '../domain/meeting';
import type { MeetingView } from '../domain/view';
import type { AssetRetrySettings } from '../domain/asset-retry';
import type { WatchdogSettings } from '../domain/watchdog';
import type { WebexCollectionSettings } from '../domain/webex/collection';
import type { NotificationType, NotificationView, NotifyRetrySettings } from '../domain/notify/notification';

export const MEETING_WORKFLOW_TYPE = 'meetingWorkflow';
export const SEND_BOT_WORKFLOW_TYPE = 'sendBotWorkflow';
export const WEBEX_AUTO_RECORD_WORKFLOW_TYPE = 'webexAutoRecordWorkflow';
export const NOTIFICATION_DELIVERY_WORKFLOW_TYPE = 'notificationDeliveryWorkflow';

export interface MeetingWorkflowInput {
  provider: Provider;
  externalId: string;
  /** How long to stay open after the meeting is final, recording late deliveries. */
  lingerSeconds?: number;
  /** When to stop waiting for the provider and ask its API (defaults: DEFAULT_WATCHDOG). */
  watchdog?: WatchdogSettings;
  /** How long and how often a Webex meeting looks for its assets (defaults: DEFAULT_WEBEX_COLLECTION). */
  webex?: WebexCollectionSettings;
  /**
   * How an asset that fails for a transient reason is tried again until its deadline (defaults:
   * DEFAULT_ASSET_RETRY; tests shorten them).
   */
  assetRetry?: AssetRetrySettings;
  /**
   * A new run of a meeting whose workflow had closed (a late final webhook, see MeetingsGateway.deliver):
   * the closed run's view, which this run goes on from. Unset: a meeting's first run.
   */
  resumeFrom?: MeetingView;
  /**
   * A run that goes on from the run before it, which continued as new before Temporal's per-execution
   * limits (see workflows/meeting.ts RUN_BUDGET): everything that run kept. Unset: a meeting's first run.
   */
  continued?: MeetingRunState;
  /** When a run hands over to a new one, over workflows/meeting.ts RUN_BUDGET (tests and recordings). */
  runBudget?: { signals?: number; historyEvents?: number; historyBytes?: number };
}

/** What a meeting's workflow run hands to the next when it continues as new: state only, plain data. */
export interface MeetingRunState {
  meeting: MeetingSnapshot;
  /** The search attributes the runs before published (the new run starts with them: no upsert again). */
  published: { status: string; endedAt: string };
  removeRequested: boolean;
  /**
   * Webex: the recordings found, and the `created` webhooks counted (they end a pause in looking). Runs of
   * other providers carry none (runs before the collectors carried empty ones).
   */
  webexRecordingIds?: string[];
  webexNotified?: { recordings: number; transcripts: number };
  /**
   * Webex: until when (ms since the epoch) the run looks for assets published after the collection; a run
   * that hands over while looking goes on looking in the next.
   */
  webexAssetDeadlineMs?: number;
  /**
   * The final-data watchdog: the status it watches and when it started watching it (ms since the epoch), so
   * that its deadlines count from then and not from the new run's start.
   */
  watchdog?: { status: string; sinceMs: number };
  /** When the meeting stops lingering for late deliveries (ms since the epoch), once it is final. */
  lingerUntilMs?: number;
  /** How many runs this meeting had before this one. */
  runsBefore: number;
  /**
   * The notifications of the meeting's outcome started so far (workflows/notify/meeting-notifier.ts), and
   * whether a new outcome is still to be announced. Absent: runs before notifications.
   */
  notify?: { notifications: NotificationView[]; armed: boolean };
}

/** The meeting settings a workflow started by this service passes on (the ids come from the provider). */
export type MeetingSettings = Omit<MeetingWorkflowInput, 'provider' | 'externalId'>;

export interface SendBotInput {
  /**
   * Claim check of the BotRequest in the archive (see MeetingsGateway.sendBot): its meeting URL's password
   * and its speech_to_text key never enter the workflow's history; the activity that sends the bot reads it.
   */
  requestRef?: ArchiveRef;
  /** What the workflow shows and needs of the request, secrets left out. */
  about?: BotRequestAbout;
  /** The request itself: only in runs started before the issue-12 hygiene (they still replay). */
  request?: BotRequest;
  meeting: MeetingSettings;
}
export interface SendBotResult {
  botId: string;
  workflowId: string;
}

export interface WebexAutoRecordInput {
  /** A series or scheduled meeting id (never an instance). */
  meetingId: string;
}
export interface WebexAutoRecordResult {
  /** False when the meeting already recorded automatically. */
  changed: boolean;
}

/**
 * One delivery of a meeting's outcome to one URL (workflows/notify/delivery.ts): a workflow of its own, so
 * that it outlives the meeting's workflow and survives restarts. Its id is domain/notify/notification.ts
 * deliveryWorkflowId; a resend starts it again with the same input.
 */
export interface NotificationDeliveryInput {
  meetingWorkflowId: string;
  /** Its position in the meeting's `notifications`. */
  index: number;
  type: NotificationType;
  url: string;
  /** Standard Webhooks `webhook-id`: the same on every attempt and resend. */
  webhookId: string;
  /** The body (`{type, timestamp, data: MeetingView}`) in the archive: history holds only this reference. */
  body: ArchiveRef;
  retry: NotifyRetrySettings;
}

/** What a delivery prepared by the worker (activities/notify/prepare.ts) gives the meeting's workflow. */
export interface PreparedNotification {
  body: ArchiveRef;
  urls: string[];
  retry: NotifyRetrySettings;
}

/** The memo key under which a delivery workflow keeps its progress (DeliveryProgress) for readers. */
export const DELIVERY_PROGRESS_MEMO = 'notification';
/** The memo key under which a delivery keeps its own input: what a resend starts again. */
export const DELIVERY_INPUT_MEMO = 'delivery';

/**
 * The refreshRecordingUrl Update's result. The one place the contract itself puts a signed URL into
 * Temporal (the Update's outcome, and the result of the activity that fetched it): kept, until payloads are
 * encrypted (issue 16). Nothing else in a meeting's history holds a signed URL.
 */
export interface RecordingUrl {
  url: string;
  expiresAt: string;
}

export const providerEventSignal = defineSignal<[ProviderEvent]>('providerEvent');
/** DELETE /meetings/:p/:id/data: erase the meeting's archived objects (and the provider's copy, if asked). */
export interface EraseDataRequest {
  /** When the API took the request (ISO 8601). */
  requestedAt: string;
  /** Ask the provider to delete its copy too, where its API allows (`?provider=true`). */
  provider: boolean;
}
export const eraseDataSignal = defineSignal<[EraseDataRequest]>('eraseData');
/** DELETE /bots/:botId: ask the provider to take the bot out of the meeting. */
export const removeBotSignal = defineSignal('removeBot');
export const meetingQuery = defineQuery<MeetingView>('meeting');
/** A URL to the recording valid for at least 10 more minutes, refreshed through the provider if needed. */
export const refreshRecordingUrlUpdate = defineUpdate<RecordingUrl>('refreshRecordingUrl');

/** How a meeting's workflow shows in the Temporal UI's list before its first task runs. */
export const PROVIDER_NAMES: Record<Provider, string> = {
  meetingbaas: 'Meeting BaaS bot',
  webex: 'Webex meeting',
};
