// Erasure on request (the `eraseData` signal, DELETE …/data): the meeting's archived objects deleted (and the
// provider asked to delete its copy, when the request says so), `deletedAt` and the assets' new state in the
// view. Requests are handled one after the other; each is idempotent.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EraseDataRequest } from '../contract/workflow';
import type { MeetingView } from '../domain/view';
import { ARCHIVE_ERASURE, PROVIDER_COMMAND } from './activity-options';
import type { MeetingRunContext } from './collector';
import { classified } from './failure';
import { ERASURE_PATCH } from './patches';

const { eraseMeetingData } = wf.proxyActivities<Activities>(ARCHIVE_ERASURE);
const { deleteProviderData } = wf.proxyActivities<Activities>(PROVIDER_COMMAND);

const nowIso = () => new Date(Date.now()).toISOString();

export class MeetingErasure {
  private busy = false;
  /** Requests handled to their end in this run (a run started to erase a closed meeting waits for one). */
  handled = 0;

  constructor(private readonly run: MeetingRunContext) {}

  /** One request, after any before it. */
  async request(request: EraseDataRequest): Promise<void> {
    await wf.condition(() => !this.busy);
    this.busy = true;
    try {
      await this.erase(request);
    } finally {
      this.busy = false;
      this.handled++;
    }
  }

  private async erase(request: EraseDataRequest): Promise<void> {
    wf.patched(ERASURE_PATCH);
    const { meeting } = this.run;
    const { provider, externalId } = meeting.view;
    // The provider's ids are in the view until the erasure takes them out of it.
    const ids = webexIds(meeting.view);
    meeting.erasureRequested(request.requestedAt, request.provider);
    this.run.showWaiting('erasure', 'erasing the archived data');
    this.run.publish();
    try {
      const { objects } = await eraseMeetingData.executeWithOptions(
        { summary: `Erase the archived data of ${meeting.view.workflowId}` },
        [{ provider, externalId, at: nowIso() }],
      );
      meeting.erased(nowIso(), objects);
    } catch (err) {
      if (wf.isCancellation(err)) throw err;
      meeting.remark({
        at: nowIso(),
        code: 'erasure_failed',
        source: 'api',
        note: `the archived data could not be erased: ${classified(err).reason}`,
      });
    } finally {
      this.run.showWaiting('erasure', undefined);
      this.run.publish();
    }
    if (!request.provider) return;
    if (provider === 'webex' && !ids.recordingIds.length && !ids.transcriptIds.length) {
      meeting.providerErased({
        status: 'unsupported',
        at: nowIso(),
        note: 'Webex: no recording or transcript ids known to this meeting (already erased, or none found)',
      });
      this.run.publish();
      return;
    }
    try {
      const { note } = await deleteProviderData.executeWithOptions(
        { summary: `Ask ${provider} to delete its copy of ${meeting.view.workflowId}` },
        [{ provider, externalId, ...ids }],
      );
      meeting.providerErased({ status: 'deleted', at: nowIso(), note });
    } catch (err) {
      if (wf.isCancellation(err)) throw err;
      const failure = classified(err);
      meeting.providerErased({
        status: failure.retryable ? 'failed' : 'refused',
        at: nowIso(),
        note: failure.reason,
      });
    }
    this.run.publish();
  }
}

/** The Webex recordings and transcripts the view names (Meeting BaaS deletes by bot: none needed). */
function webexIds(view: MeetingView): { recordingIds: string[]; transcriptIds: string[] } {
  if (view.provider !== 'webex') return { recordingIds: [], transcriptIds: [] };
  const recordingIds = (view.recording?.parts ?? []).map((p) => p.id);
  const transcripts = [view.transcript?.id, ...(view.transcript?.parts ?? []).map((p) => p.id)];
  const transcriptIds = [...new Set(transcripts.filter((id): id is string => id !== undefined))];
  return { recordingIds: [...new Set(recordingIds)], transcriptIds };
}
