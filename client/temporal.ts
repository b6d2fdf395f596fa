// MeetingsClient on a Temporal Client: the workflow's own query and Update, the same reads as the API.
import {
  Client,
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type ClientOptions,
} from '@temporalio/client';
import { ApplicationFailure, type DataConverter, TemporalFailure } from '@temporalio/common';
import { dataConverterFor } from '../contract/data-converter';
import { parseEncryptionKeys } from '../contract/encryption-keys';
import type { EncryptionKey } from '../contract/payload-codec';
import { meetingsListQuerySchema, type MeetingsList } from '../contract/meetings-list';
import { refreshRecordingUrlUpdate, type RecordingUrl } from '../contract/workflow';
import { meetingWorkflowId, type Provider } from '../domain/workflow-id';
import type { MeetingView } from '../domain/view';
import {
  MeetingClientError,
  MeetingNotFoundError,
  MeetingRequestRefusedError,
  MeetingsUnavailableError,
} from './errors';
import { checkedMeetingRef, type MeetingsClient, type MeetingsFilter } from './meetings-client';
import { listMeetings, readMeeting } from './temporal-reads';

export interface TemporalMeetingsClientOptions {
  /** Deadline of a read. Default 10 s. */
  callTimeoutMs?: number;
  /** Deadline of refreshRecordingUrl, which may have to ask the provider. Default 3 min. */
  updateTimeoutMs?: number;
}

/**
 * The data converter a Temporal Client needs to read and update the meetings: the service's
 * PAYLOAD_ENCRYPTION_KEYS (the keys given, else that variable of `env`); undefined when the service's
 * payloads are plain. Pass it to `new Client({ connection, dataConverter })`, or use
 * TemporalMeetingsClient.create.
 */
export function meetingsDataConverter(
  keys?: readonly EncryptionKey[] | string,
  env: NodeJS.ProcessEnv = process.env,
): DataConverter | undefined {
  const parsed = typeof keys === 'string' ? parseEncryptionKeys(keys) : keys;
  return dataConverterFor(parsed ?? parseEncryptionKeys(env.PAYLOAD_ENCRYPTION_KEYS));
}

export class TemporalMeetingsClient implements MeetingsClient {
  /**
   * A client on its own Temporal Client, whose payloads are encrypted with `encryptionKeys` (the service's
   * PAYLOAD_ENCRYPTION_KEYS; default: that variable of the environment), plain when there are none.
   */
  static create(
    temporal: Omit<ClientOptions, 'dataConverter'> & { encryptionKeys?: readonly EncryptionKey[] | string },
    options: TemporalMeetingsClientOptions = {},
  ): TemporalMeetingsClient {
    const { encryptionKeys, ...clientOptions } = temporal;
    const dataConverter = meetingsDataConverter(encryptionKeys);
    return new TemporalMeetingsClient(new Client({ ...clientOptions, dataConverter }), options);
  }

  /** `client` must carry the service's data converter when its payloads are encrypted (meetingsDataConverter). */
  constructor(
    private readonly client: Client,
    private readonly options: TemporalMeetingsClientOptions = {},
  ) {}

  async getMeeting(provider: Provider, externalId: string): Promise<MeetingView> {
    const ref = checkedMeetingRef(provider, externalId);
    const workflowId = meetingWorkflowId(ref.provider, ref.externalId);
    const view = await this.call(() => readMeeting(this.client, workflowId));
    if (!view) throw new MeetingNotFoundError(`no meeting ${workflowId}`);
    return view;
  }

  async listMeetings(filter: MeetingsFilter = {}): Promise<MeetingsList> {
    // The same validation as GET /meetings: the same refusals, whichever way a service reads.
    const query = meetingsListQuerySchema.safeParse(filter);
    if (!query.success) {
      const issues = query.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
      }));
      throw new MeetingRequestRefusedError('invalid meeting list filters', 'invalid_payload', issues);
    }
    return this.call(() => listMeetings(this.client, query.data));
  }

  async refreshRecordingUrl(provider: Provider, externalId: string): Promise<RecordingUrl> {
    const ref = checkedMeetingRef(provider, externalId);
    const workflowId = meetingWorkflowId(ref.provider, ref.externalId);
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      return await this.call(
        () => handle.executeUpdate(refreshRecordingUrlUpdate),
        this.options.updateTimeoutMs ?? 3 * 60_000,
      );
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      const failure = innermostFailure(err);
      throw new MeetingRequestRefusedError(failure.message, 'recording_unavailable', undefined, failure.type);
    }
  }

  /** Runs `fn` under a deadline and sorts Temporal's errors into MeetingClientErrors. */
  private async call<T>(fn: () => Promise<T>, timeoutMs = this.options.callTimeoutMs ?? 10_000): Promise<T> {
    try {
      return await this.client.connection.withDeadline(Date.now() + timeoutMs, fn);
    } catch (err) {
      if (err instanceof MeetingClientError || err instanceof WorkflowUpdateFailedError) throw err;
      if (err instanceof WorkflowNotFoundError) throw new MeetingNotFoundError(err.message, { cause: err });
      if (err instanceof ServiceError || isGrpcServiceError(err))
        throw new MeetingsUnavailableError(err.message, { cause: err });
      throw err;
    }
  }
}

/** The application failure at the bottom of an Update's failure chain: the workflow's own reason. */
function innermostFailure(err: WorkflowUpdateFailedError): { message: string; type?: string } {
  let cause: unknown = err.cause ?? err;
  while (cause instanceof TemporalFailure && !(cause instanceof ApplicationFailure) && cause.cause) {
    cause = cause.cause;
  }
  if (cause instanceof ApplicationFailure) return { message: cause.message, type: cause.type ?? undefined };
  return { message: cause instanceof Error ? cause.message : String(cause) };
}
