import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, TemporalFailure, type SignalDefinition } from '@temporalio/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { listMeetings, readMeeting } from '../client/temporal-reads';
import type { MeetingsList, MeetingsListQuery } from '../contract/meetings-list';
import { MeetingProviderKey, MeetingStatusKey } from '../contract/search-attributes';
import {
  eraseDataSignal,
  MEETING_WORKFLOW_TYPE,
  PROVIDER_NAMES,
  providerEventSignal,
  refreshRecordingUrlUpdate,
  removeBotSignal,
  SEND_BOT_WORKFLOW_TYPE,
  WEBEX_AUTO_RECORD_WORKFLOW_TYPE,
  type EraseDataRequest,
  type MeetingSettings,
  type MeetingWorkflowInput,
  type RecordingUrl,
  type SendBotInput,
  type SendBotResult,
  type WebexAutoRecordInput,
} from '../contract/workflow';
import type { ArchiveRef } from '../domain/archive-ref';
import type { ProviderEvent } from '../domain/events';
import { announcesFinalData, resumesClosedMeeting } from '../domain/late-delivery';
import type { MeetingStatus } from '../domain/lifecycle';
import { meetingWorkflowId, type Provider } from '../domain/workflow-id';
import type { BotRequest } from '../domain/meetingbaas/bot-request';
import { botRequestAbout } from '../domain/meetingbaas/bot-request-about';
import { redactMeetingUrl, redactView } from '../domain/redact';
import type { MeetingView } from '../domain/view';
import type { AssetRetrySettings } from '../domain/asset-retry';
import type { WatchdogSettings } from '../domain/watchdog';
import type { WebexCollectionSettings } from '../domain/webex/collection';
import { archiveFromConfig, type Archive } from '../platform/archive';
import { resendNotifications } from './notifications';
import { RecentDeliveries } from './recent-deliveries';
import { watchdogSettings, webexCollectionSettings, type Config } from '../platform/config';

/** Temporal could not be reached or did not answer in time: the caller should retry later. */
export class TemporalUnavailableError extends Error {}

/** The workflow answered, but not with what was asked: `reason` says why, for the caller. */
export class RequestRefusedError extends Error {
  constructor(
    message: string,
    /** The failure type the workflow or its activity gave (e.g. `Http409`, `ProviderNotConfigured`). */
    readonly type: string | undefined,
  ) {
    super(message);
  }
}

export interface GatewayOptions {
  taskQueue: string;
  callTimeoutMs: number;
  lingerSeconds: number;
  watchdog?: WatchdogSettings;
  webex?: WebexCollectionSettings;
  /** How a transiently failing asset is retried (default: DEFAULT_ASSET_RETRY; tests shorten it). */
  assetRetry?: AssetRetrySettings;
  /** How long POST /bots waits for the provider before answering 202. */
  botRequestTimeoutMs?: number;
  /**
   * Where POST /bots keeps each bot request (the worker's archive too): the workflow gets a reference, so
   * that the meeting password and the speech_to_text key never enter its history. Unset: bots are refused.
   */
  archive?: Pick<Archive, 'putJson' | 'delete'>;
  /** Webhooks signalled lately: a duplicate of one is answered without a signal. Unset: every one signalled. */
  recentDeliveries?: RecentDeliveries;
}

/**
 * The gateway as the configuration sets it up (the API; the benchmark's raw baseline makes the same calls),
 * with the process's archive when it has one already.
 */
export function gatewayOptions(config: Config, archive: Archive = archiveFromConfig(config)): GatewayOptions {
  return {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    callTimeoutMs: config.TEMPORAL_CALL_TIMEOUT_MS,
    lingerSeconds: config.MEETING_LINGER_SECONDS,
    watchdog: watchdogSettings(config),
    webex: webexCollectionSettings(config),
    botRequestTimeoutMs: config.BOT_REQUEST_TIMEOUT_MS,
    archive,
    ...(config.DELIVERY_DEDUPE_SECONDS > 0
      ? { recentDeliveries: new RecentDeliveries({ windowSeconds: config.DELIVERY_DEDUPE_SECONDS }) }
      : {}),
  };
}

/** Temporal's own (gRPC) errors become TemporalUnavailableError; anything else is returned as it is. */
function unavailableOr(err: unknown): unknown {
  if (err instanceof ServiceError || isGrpcServiceError(err)) {
    return new TemporalUnavailableError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  return err;
}

/** The innermost application failure of a workflow, update or activity failure: its message and type. */
function refusal(err: WorkflowFailedError | WorkflowUpdateFailedError): RequestRefusedError {
  let cause: unknown = err.cause ?? err;
  while (cause instanceof TemporalFailure && !(cause instanceof ApplicationFailure) && cause.cause) {
    cause = cause.cause;
  }
  if (cause instanceof ApplicationFailure)
    return new RequestRefusedError(cause.message, cause.type ?? undefined);
  return new RequestRefusedError(cause instanceof Error ? cause.message : String(cause), undefined);
}

/** What the API needs from Temporal, with a deadline on every call and errors sorted for HTTP. */
export class MeetingsGateway {
  constructor(
    private readonly client: Client,
    private readonly options: GatewayOptions,
  ) {}

  private async call<T>(fn: () => Promise<T>, timeoutMs = this.options.callTimeoutMs): Promise<T> {
    try {
      return await this.client.connection.withDeadline(Date.now() + timeoutMs, fn);
    } catch (err) {
      throw unavailableOr(err);
    }
  }

  /**
   * Signal-with-start: the event is in the meeting's history when this resolves. A meeting whose workflow
   * has already closed is reported as `closed`, unless the event announces final data: then a new run of
   * the same workflow id goes on from the closed run's view with the event (`resumed`, see `resume`).
   */
  async deliver(
    event: ProviderEvent,
  ): Promise<{ workflowId: string; closed: boolean; resumed?: boolean; duplicate?: boolean }> {
    const workflowId = meetingWorkflowId(event.provider, event.externalId);
    const recent = this.options.recentDeliveries;
    if (recent?.has(workflowId, event.dedupeKey)) return { workflowId, closed: false, duplicate: true };
    const input: MeetingWorkflowInput = {
      provider: event.provider,
      externalId: event.externalId,
      ...this.meetingSettings(),
    };
    try {
      await this.startMeeting(workflowId, input, 'scheduled', providerEventSignal, event, {
        reuseClosedId: false,
        summary: '',
      });
      recent?.remember(workflowId, event.dedupeKey);
      return { workflowId, closed: false };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    if (!announcesFinalData(event)) return { workflowId, closed: true };
    const resumed = await this.resume(workflowId, input, event);
    if (!resumed) return { workflowId, closed: true };
    recent?.remember(workflowId, event.dedupeKey);
    return { workflowId, closed: false, resumed: true };
  }

  /**
   * A late final-data event for a closed meeting: a new run of its workflow id starts from the closed run's
   * view (its result; domain/late-delivery.ts says which views), with the event as its signal. Two late
   * deliveries at once start one run: signal-with-start is atomic, so the second signals the run the first
   * started (and a start refused as already started is a signal too). False: the view says nothing to do.
   */
  private async resume(workflowId: string, input: MeetingWorkflowInput, event: ProviderEvent) {
    const latest = this.client.workflow.getHandle(workflowId);
    // Another late delivery has just started the new run: this one joins it.
    if ((await this.call(() => latest.describe())).status.name === 'RUNNING') {
      try {
        await this.call(() => latest.signal(providerEventSignal, event));
        return true;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    const read = await this.call(() => readMeeting(this.client, workflowId));
    const view = read && redactView(read);
    if (!view || !resumesClosedMeeting(view, event)) return false;
    try {
      await this.startMeeting(
        workflowId,
        { ...input, resumeFrom: view },
        view.status,
        providerEventSignal,
        event,
        {
          reuseClosedId: true,
          summary: ` (late ${event.code})`,
        },
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await this.call(() => this.client.workflow.getHandle(workflowId).signal(providerEventSignal, event));
    }
    return true;
  }

  /**
   * Signal-with-start of a meeting's workflow, atomic: the signal reaches the run it starts, or the open run.
   * `reuseClosedId` only where a closed meeting goes on in a new run (late final data, erasure); a first
   * delivery never starts a second run of a closed meeting. The status search attribute starts at `status`.
   */
  private async startMeeting<Arg>(
    workflowId: string,
    input: MeetingWorkflowInput,
    status: MeetingStatus,
    signal: SignalDefinition<[Arg]>,
    arg: Arg,
    how: { reuseClosedId: boolean; summary: string },
  ): Promise<void> {
    await this.call(() =>
      this.client.workflow.signalWithStart(MEETING_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.options.taskQueue,
        args: [input],
        signal,
        signalArgs: [arg],
        workflowIdReusePolicy: how.reuseClosedId ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: MeetingProviderKey, value: input.provider },
          { key: MeetingStatusKey, value: status },
        ],
        staticSummary: `${PROVIDER_NAMES[input.provider]} ${input.externalId}${how.summary}`,
      }),
    );
  }

  private meetingSettings(): MeetingSettings {
    return {
      lingerSeconds: this.options.lingerSeconds,
      watchdog: this.options.watchdog,
      webex: this.options.webex,
      ...(this.options.assetRetry ? { assetRetry: this.options.assetRetry } : {}),
    };
  }

  /**
   * Starts the workflow that turns on a Webex meeting's automatic recording, once per meeting id: a
   * redelivered `created` joins the first run (one that failed may be tried again).
   */
  async enableWebexAutoRecord(meetingId: string): Promise<{ workflowId: string }> {
    const workflowId = `webex-auto-record:${meetingId}`;
    const input: WebexAutoRecordInput = { meetingId };
    try {
      await this.call(() =>
        this.client.workflow.start(WEBEX_AUTO_RECORD_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: this.options.taskQueue,
          args: [input],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `Turn on automatic recording of Webex meeting ${meetingId}`,
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { workflowId };
  }

  /**
   * Sends a bot through a workflow keyed by `requestKey`: the same key never sends a second bot, it gets
   * the first one's answer. `pending` when the provider has not answered within the wait.
   */
  async sendBot(
    request: BotRequest,
    requestKey: string,
  ): Promise<
    ({ state: 'sent'; requestId: string } & SendBotResult) | { state: 'pending'; requestId: string }
  > {
    const workflowId = `meetingbaas-bot-request:${requestKey}`;
    const requestRef = await this.storeBotRequest(request);
    const input: SendBotInput = {
      requestRef,
      about: botRequestAbout(request),
      meeting: this.meetingSettings(),
    };
    try {
      await this.call(() =>
        this.client.workflow.start(SEND_BOT_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: this.options.taskQueue,
          args: [input],
          // A request whose bot could not be sent may be tried again; one that succeeded answers the same,
          // and so does one still going on (the start fails, and this call waits for that run's answer).
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          workflowIdConflictPolicy: 'FAIL',
          staticSummary: `Send a Meeting BaaS bot to ${redactMeetingUrl(request.meeting_url)}`,
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // A resend: another run has this request (going on or answered), and this copy is never read.
      await this.options.archive!.delete(requestRef).catch(() => undefined);
    }
    const handle = this.client.workflow.getHandle<() => Promise<SendBotResult>>(workflowId);
    const wait = AbortSignal.timeout(this.options.botRequestTimeoutMs ?? 30_000);
    try {
      const result = await this.client.connection.withAbortSignal(wait, () => handle.result());
      return { state: 'sent', requestId: workflowId, ...result };
    } catch (err) {
      if (wait.aborted) return { state: 'pending', requestId: workflowId };
      if (err instanceof WorkflowFailedError) throw refusal(err);
      throw unavailableOr(err);
    }
  }

  /**
   * The request into the archive, under a name of its own (a retry of the same request may leave a second,
   * unused copy). A random salt in the file keeps the reference's sha256, which the history holds, from
   * confirming a guessed meeting password.
   */
  private async storeBotRequest(request: BotRequest): Promise<ArchiveRef> {
    if (!this.options.archive) throw new Error('MeetingsGateway: no archive to keep bot requests in');
    const salt = randomBytes(16).toString('hex');
    return this.options.archive.putJson(`requests/meetingbaas/${randomUUID()}.json`, { salt, request });
  }

  /** Asks the meeting's workflow to remove its bot; false when there is no such open meeting. */
  async removeBot(botId: string): Promise<{ workflowId: string } | undefined> {
    const workflowId = meetingWorkflowId('meetingbaas', botId);
    try {
      await this.call(() => this.client.workflow.getHandle(workflowId).signal(removeBotSignal));
      return { workflowId };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Erasure on request: the `eraseData` signal to the meeting's workflow. A closed meeting gets a new run
   * from its view (as a late final webhook does, see `resume`), which erases. Undefined: no such meeting.
   */
  async eraseData(
    provider: Provider,
    externalId: string,
    request: EraseDataRequest,
  ): Promise<{ workflowId: string; resumed: boolean } | undefined> {
    const workflowId = meetingWorkflowId(provider, externalId);
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      await this.call(() => handle.signal(eraseDataSignal, request));
      return { workflowId, resumed: false };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    const read = await this.call(() => readMeeting(this.client, workflowId));
    if (!read) return undefined;
    const view = redactView(read);
    const input: MeetingWorkflowInput = { provider, externalId, ...this.meetingSettings(), resumeFrom: view };
    try {
      // Atomic: a second erasure (or a late webhook) at the same time signals the run this one starts.
      await this.startMeeting(workflowId, input, view.status, eraseDataSignal, request, {
        reuseClosedId: true,
        summary: ' (erasure)',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await this.call(() => handle.signal(eraseDataSignal, request));
    }
    return { workflowId, resumed: true };
  }

  /** The `refreshRecordingUrl` Update; undefined when there is no such open meeting. */
  async refreshRecordingUrl(provider: Provider, externalId: string): Promise<RecordingUrl | undefined> {
    const handle = this.client.workflow.getHandle(meetingWorkflowId(provider, externalId));
    try {
      // The Update may have to ask the provider: allow it more than a plain call.
      return await this.call(() => handle.executeUpdate(refreshRecordingUrlUpdate), 3 * 60_000);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      if (err instanceof WorkflowUpdateFailedError) throw refusal(err);
      throw err;
    }
  }

  /**
   * The meeting's view, or undefined when no such meeting exists. Closed meetings are read too (within the
   * namespace's retention): a completed one from its result, without a worker.
   */
  /**
   * POST /meetings/:p/:id/notifications/resend: the deliveries of the meeting's outcome started again;
   * undefined when there is no such meeting, NothingToResendError when it is not final or sent nothing.
   */
  async resendNotifications(provider: Provider, externalId: string): Promise<string[] | undefined> {
    const view = await this.view(provider, externalId);
    if (!view) return undefined;
    return await this.call(() => resendNotifications(this.client, view, this.options.taskQueue));
  }

  async view(provider: Provider, externalId: string): Promise<MeetingView | undefined> {
    const view = await this.call(() => readMeeting(this.client, meetingWorkflowId(provider, externalId)));
    // Meetings recorded before their texts were redacted at the edge (a bot's meeting URL in a note).
    return view && redactView(view);
  }

  /** One page of meetings from visibility; a cursor Temporal does not accept is a MeetingRequestRefusedError. */
  async list(query: MeetingsListQuery): Promise<MeetingsList> {
    return this.call(() => listMeetings(this.client, query));
  }

  async ready(): Promise<boolean> {
    try {
      await this.call(() => this.client.workflowService.getSystemInfo({}));
      return true;
    } catch (err) {
      if (err instanceof TemporalUnavailableError) return false;
      throw err;
    }
  }
}
