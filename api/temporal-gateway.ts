import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { ProviderEvent } from '../domain/events';
import { meetingWorkflowId, type Provider } from '../domain/ids';
import type { MeetingView } from '../domain/view';
import {
  MEETING_WORKFLOW_TYPE,
  MeetingProviderKey,
  meetingQuery,
  MeetingStatusKey,
  providerEventSignal,
  type MeetingWorkflowInput,
} from '../workflows/definitions';

/** Temporal could not be reached or did not answer in time: the caller should retry later. */
export class TemporalUnavailableError extends Error {}

const PROVIDER_NAMES: Record<Provider, string> = { meetingbaas: 'Meeting BaaS bot', webex: 'Webex meeting' };

export interface GatewayOptions {
  taskQueue: string;
  callTimeoutMs: number;
  lingerSeconds: number;
}

/** What the API needs from Temporal, with a deadline on every call and errors sorted for HTTP. */
export class MeetingsGateway {
  constructor(
    private readonly client: Client,
    private readonly options: GatewayOptions,
  ) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.client.connection.withDeadline(Date.now() + this.options.callTimeoutMs, fn);
    } catch (err) {
      if (err instanceof ServiceError || isGrpcServiceError(err)) {
        throw new TemporalUnavailableError(err instanceof Error ? err.message : String(err), { cause: err });
      }
      throw err;
    }
  }

  /**
   * Signal-with-start: the event is in the meeting's history when this resolves. A meeting whose workflow
   * has already closed is reported as `closed` (its id is never reused for a new run).
   */
  async deliver(event: ProviderEvent): Promise<{ workflowId: string; closed: boolean }> {
    const workflowId = meetingWorkflowId(event.provider, event.externalId);
    const input: MeetingWorkflowInput = {
      provider: event.provider,
      externalId: event.externalId,
      lingerSeconds: this.options.lingerSeconds,
    };
    try {
      await this.call(() =>
        this.client.workflow.signalWithStart(MEETING_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: this.options.taskQueue,
          args: [input],
          signal: providerEventSignal,
          signalArgs: [event],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: MeetingProviderKey, value: event.provider },
            { key: MeetingStatusKey, value: 'scheduled' },
          ],
          staticSummary: `${PROVIDER_NAMES[event.provider]} ${event.externalId}`,
        }),
      );
      return { workflowId, closed: false };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, closed: true };
      throw err;
    }
  }

  /** The meeting's view, or undefined when no such meeting exists. */
  async view(provider: Provider, externalId: string): Promise<MeetingView | undefined> {
    try {
      return await this.call(() =>
        this.client.workflow.getHandle(meetingWorkflowId(provider, externalId)).query(meetingQuery),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
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
