// Meeting BaaS's part of a meeting's run: its bot sends `complete` (or `failed`) with the final data, which
// the watchdogs ask its API for when it does not come; then the recording and transcript are archived.
import { condition, patched } from '@temporalio/workflow';
import type { ReconcileResult } from '../../activities/meetingbaas/provider';
import type { Meeting } from '../../domain/meeting';
import { MEETINGBAAS_ENDED_FROM_API } from '../../domain/meetingbaas/ended-from-api';
import { watchdogSettingsOf, type LiveAnswer } from '../../domain/watchdog';
import type { MeetingCollector, MeetingRunContext } from '../collector';
import { LIVE_WATCHDOG_PATCH, WATCHDOG_PATCH } from '../patches';
import { awaitFinalData } from '../watchdog/final-data';
import { reconcileMeetingBaas, refreshMeetingBaasRecordingUrl, removeMeetingBaasBot } from './activities';
import { collectMeetingBaas } from './collection';

export class MeetingBaasCollector implements MeetingCollector {
  readonly providerName = 'Meeting BaaS';
  readonly endedWaitsFor =
    "Meeting BaaS's final data (its `complete` webhook); a watchdog asks its API if it stays silent";

  constructor(private readonly run: MeetingRunContext) {}

  private get botId(): string {
    return this.run.meeting.view.externalId;
  }

  async untilCollected(): Promise<void> {
    const { run } = this;
    if (patched(WATCHDOG_PATCH)) {
      const settings = watchdogSettingsOf(run.input.watchdog);
      const askLive = patched(LIVE_WATCHDOG_PATCH)
        ? {
            providerName: this.providerName,
            ended: MEETINGBAAS_ENDED_FROM_API,
            ask: async (ask: number) => liveAnswerOfReconcile(await reconcileMeetingBaas(this.botId, ask)),
          }
        : undefined;
      await awaitFinalData(run, settings, {
        askFinalData: (ask) => reconcileMeetingBaas(this.botId, ask),
        askLive,
      });
    } else {
      await condition(() => run.meeting.status === 'collecting' || run.meeting.isFinished);
    }
    if (run.meeting.status === 'collecting') {
      await collectMeetingBaas(run);
      run.publish();
    }
  }

  collectLate(): Promise<void> {
    return collectMeetingBaas(this.run);
  }

  heard(): void {
    // Nothing waits for a particular webhook: the meeting's status says it all.
  }

  knowsRecording(): boolean {
    return !!this.run.meeting.finalData?.recording?.url;
  }

  freshRecordingUrl(validUntil: string) {
    return refreshMeetingBaasRecordingUrl(this.botId, storedRecording(this.run.meeting, validUntil));
  }

  async leave(): Promise<void> {
    await removeMeetingBaasBot(this.botId);
  }

  carried() {
    return {};
  }
}

/** What Meeting BaaS's reconcile answer means for a live meeting: data or failure, the bot left, or still in. */
export function liveAnswerOfReconcile(result: ReconcileResult): LiveAnswer {
  if (result.outcome === 'event') return result;
  return result.inCall === false
    ? { outcome: 'ended', detail: result.detail }
    : { outcome: 'live', detail: result.detail };
}

/**
 * Where the refresh activity finds the final data's own signed URL (the claim-checked body), to hand it out
 * while it is valid until `validUntil` instead of asking the provider. Legacy events: the provider, as before.
 */
function storedRecording(meeting: Meeting, validUntil: string) {
  const final = meeting.finalData;
  return final?.recording?.redacted && final.payloadRef
    ? { payloadRef: final.payloadRef, expiresAt: final.recording.urlExpiresAt, validUntil }
    : undefined;
}
