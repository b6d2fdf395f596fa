// Webex's part of a meeting's run. Webex sends no final webhook: the live watchdog asks its API while the
// meeting is live; once it ended, the recordings, transcript and participants are looked for until found or
// late, and until the asset deadline what Webex publishes later is collected too.
import * as wf from '@temporalio/workflow';
import type { ProviderEvent } from '../../domain/events';
import { watchdogSettingsOf } from '../../domain/watchdog';
import { DEFAULT_WEBEX_COLLECTION } from '../../domain/webex/collection';
import { webexEndedFromApi } from '../../domain/webex/ended-from-api';
import type { MeetingRunState } from '../../contract/workflow';
import type { MeetingCollector, MeetingRunContext } from '../collector';
import { LIVE_WATCHDOG_PATCH } from '../patches';
import { watchLive } from '../watchdog/live';
import { askWebexLive, refreshWebexRecordingUrl } from './activities';
import { collectWebex, type WebexFindings } from './collection';
import { collectAnnouncedWebexAssets, watchWebexAssets } from './late-assets';

const nowIso = () => new Date(Date.now()).toISOString();

export class WebexCollector implements MeetingCollector {
  readonly providerName = 'Webex';
  readonly endedWaitsFor = 'the collection of the assets Webex publishes after the meeting';
  private readonly findings: WebexFindings;
  /** Set once collected: until when assets published later are looked for (carried to the next run). */
  private lookingUntilMs?: number;

  constructor(
    private readonly run: MeetingRunContext,
    carried?: MeetingRunState,
  ) {
    this.findings = {
      notified: carried?.webexNotified ?? { recordings: 0, transcripts: 0 },
      recordingIds:
        carried?.webexRecordingIds ?? (run.input.resumeFrom?.recording?.parts ?? []).map((p) => p.id),
    };
    this.lookingUntilMs = carried?.webexAssetDeadlineMs;
  }

  private get settings() {
    return this.run.input.webex ?? DEFAULT_WEBEX_COLLECTION;
  }

  async untilCollected(): Promise<void> {
    const { run } = this;
    // A run continued as new while looking for assets published later goes on looking.
    if (this.lookingUntilMs === undefined) await this.collect();
    // Until the deadline, recordings and transcripts Webex publishes later are collected too. The run may
    // hand over between looks (not during one: its activities run `inFlight`).
    if (this.lookingUntilMs !== undefined && run.meeting.view.status === 'completed')
      await watchWebexAssets(run, this.settings, this.findings, this.lookingUntilMs);
  }

  /** Until the meeting ends (the live watchdog), then its first collection. */
  private async collect(): Promise<void> {
    const { run } = this;
    const { meeting } = run;
    if (wf.patched(LIVE_WATCHDOG_PATCH)) {
      // Until it ends: silence and the meeting deadline make Webex's API be asked (its `ended` may be lost).
      const settings = watchdogSettingsOf(run.input.watchdog);
      const asking = {
        providerName: this.providerName,
        ended: webexEndedFromApi(meeting.view.externalId),
        ask: (ask: number) => askWebexLive(meeting.view.externalId, ask),
      };
      while (await watchLive(run, settings, asking));
    }
    await wf.condition(
      () => meeting.status === 'ended' || meeting.status === 'collecting' || meeting.isFinished,
    );
    if (meeting.status === 'ended') {
      meeting.startCollecting(
        nowIso(),
        'looking for the recordings, transcript and participants Webex publishes after the meeting',
      );
      run.publish();
    }
    if (meeting.status !== 'collecting') return;
    const { deadlineMs } = await collectWebex(run, this.settings, this.findings);
    run.publish();
    if (run.lateCollection) this.lookingUntilMs = deadlineMs;
  }

  collectLate(): Promise<void> {
    return collectAnnouncedWebexAssets(this.run, this.settings, this.findings);
  }

  /** A `created` webhook ends the current pause in looking for that asset. */
  heard(event: ProviderEvent): void {
    if (event.code === 'recordings.created') this.findings.notified.recordings++;
    if (event.code === 'meetingTranscripts.created') this.findings.notified.transcripts++;
  }

  knowsRecording(): boolean {
    return this.findings.recordingIds.length > 0;
  }

  freshRecordingUrl() {
    return refreshWebexRecordingUrl(this.run.meeting.view.externalId, this.findings.recordingIds[0]!);
  }

  carried() {
    return {
      webexRecordingIds: this.findings.recordingIds,
      webexNotified: { ...this.findings.notified },
      ...(this.lookingUntilMs !== undefined ? { webexAssetDeadlineMs: this.lookingUntilMs } : {}),
    };
  }
}
