import type { SearchAttributeUpdatePair } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { ReceivedProviderEvent } from '../domain/events';
import { Meeting } from '../domain/meeting';
import { isSearchableDate } from '../domain/provider-time';
import { withoutSecrets } from '../domain/redact';
import type { MeetingView } from '../domain/view';
import { DEFAULT_WATCHDOG } from '../domain/watchdog';
import { DEFAULT_WEBEX_COLLECTION } from '../domain/webex/collection';
import {
  MeetingEndedAtKey,
  meetingQuery,
  MeetingStatusKey,
  providerEventSignal,
  refreshRecordingUrlUpdate,
  removeBotSignal,
  type MeetingWorkflowInput,
  type RecordingUrl,
} from './definitions';
import { reasonOf } from './failure';
import {
  collectMeetingBaas,
  reconcileMeetingBaas,
  refreshMeetingBaasRecordingUrl,
  removeMeetingBaasBot,
} from './meetingbaas';
import { currentDetails } from './ui';
import { awaitFinalData } from './watchdog';
import { collectWebex, refreshWebexRecordingUrl, type PublishedCounters } from './webex';

// Histories recorded before the watchdogs waited for the final data without any timer.
export const WATCHDOG_PATCH = 'final-data-watchdog';
// The refreshRecordingUrl Update answers with a URL valid at least this long.
const MIN_URL_VALIDITY_MS = 10 * 60_000;
const REFRESH_SLACK_MS = 60_000;

const nowIso = () => new Date(Date.now()).toISOString();

/**
 * One meeting, from its first webhook to its archived assets. Webhooks arrive as `providerEvent` signals
 * and move the pure `Meeting` state; this function only waits, collects and publishes.
 */
export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<MeetingView> {
  // The meeting's newer rules (domain/meeting.ts MEETING_RULES) are patches: asked only where they decide
  // otherwise, so that a history recorded before them replays with the old decision.
  const meeting = new Meeting(input.provider, input.externalId, { applies: (rule) => wf.patched(rule) });
  let published = { status: '', endedAt: '' };
  let recordingUrl: RecordingUrl | undefined;
  let removeRequested = false;
  // Webex: the recordings found, and the `created` webhooks that end a pause in looking for assets.
  let webexRecordingIds: string[] = [];
  const webexNotified: PublishedCounters = { recordings: 0, transcripts: 0 };
  // What the workflow's own timers wait for, by topic (watchdog, recording, transcript): the UI shows it.
  const waiting = new Map<string, string>();

  const showDetails = () => wf.setCurrentDetails(currentDetails(meeting.view, [...waiting.values()]));
  const showWaiting = (topic: string, note: string | undefined) => {
    if (note === undefined) waiting.delete(topic);
    else waiting.set(topic, note);
    showDetails();
  };
  // Keeps the search attributes and the UI's current details in step with the state.
  const publish = () => {
    const { status, endedAt } = meeting.view;
    const updates: SearchAttributeUpdatePair[] = [];
    if (status !== published.status) updates.push({ key: MeetingStatusKey, value: status });
    if (isSearchableDate(endedAt) && endedAt !== published.endedAt)
      updates.push({ key: MeetingEndedAtKey, value: new Date(endedAt) });
    if (updates.length) wf.upsertSearchAttributes(updates);
    published = { status, endedAt: endedAt ?? '' };
    showDetails();
  };
  const apply = (received: ReceivedProviderEvent) => {
    // Signals from before the issue-12 hygiene may carry the raw body and unredacted provider text.
    const event = withoutSecrets(received);
    const outcome = meeting.apply(event);
    if (outcome === 'duplicate') {
      wf.log.info('duplicate delivery ignored', { code: event.code, dedupeKey: event.dedupeKey });
      return;
    }
    if (event.code === 'recordings.created') webexNotified.recordings++;
    if (event.code === 'meetingTranscripts.created') webexNotified.transcripts++;
    publish();
  };

  wf.setHandler(meetingQuery, () => meeting.view);
  wf.setHandler(providerEventSignal, apply);

  wf.setHandler(removeBotSignal, async () => {
    // Once the call is over there is nothing to leave (the provider would answer 409).
    const over = ['ended', 'collecting', 'completed', 'failed'].includes(meeting.status);
    if (removeRequested || over || meeting.view.provider !== 'meetingbaas') return;
    removeRequested = true;
    meeting.remark({
      at: nowIso(),
      code: 'bot_leave_requested',
      source: 'api',
      note: 'asked to remove the bot (DELETE /bots)',
    });
    publish();
    try {
      await removeMeetingBaasBot(meeting.view.externalId);
    } catch (err) {
      meeting.remark({ at: nowIso(), code: 'bot_leave_failed', source: 'api', note: reasonOf(err) });
      publish();
    }
  });

  wf.setHandler(
    refreshRecordingUrlUpdate,
    async () => {
      // The URL handed out is this Update's result: the one signed URL the contract puts into Temporal
      // (with the result of the activity that fetched it), kept until payloads are encrypted (issue 16).
      recordingUrl ??= legacyRecordingUrl(meeting);
      if (
        recordingUrl &&
        Date.parse(recordingUrl.expiresAt) - Date.now() >= MIN_URL_VALIDITY_MS + REFRESH_SLACK_MS
      )
        return recordingUrl;
      const validUntil = new Date(Date.now() + MIN_URL_VALIDITY_MS + REFRESH_SLACK_MS).toISOString();
      const fresh =
        meeting.view.provider === 'webex'
          ? await refreshWebexRecordingUrl(meeting.view.externalId, webexRecordingIds[0]!)
          : await refreshMeetingBaasRecordingUrl(
              meeting.view.externalId,
              storedRecording(meeting, validUntil),
            );
      if (Date.parse(fresh.expiresAt) - Date.now() < MIN_URL_VALIDITY_MS) {
        throw wf.ApplicationFailure.nonRetryable(
          `the provider's new recording URL expires too soon (${fresh.expiresAt})`,
          'RecordingUrlTooShort',
        );
      }
      recordingUrl = fresh;
      meeting.recordingUrlRefreshed(fresh.expiresAt);
      publish();
      return fresh;
    },
    {
      validator: () => {
        const known =
          meeting.view.provider === 'webex'
            ? webexRecordingIds.length > 0
            : !!meeting.finalData?.recording?.url;
        if (!known) throw new Error(`the meeting has no recording URL yet (status ${meeting.status})`);
      },
    },
  );
  publish();

  if (input.provider === 'webex') {
    await collectWebexMeeting();
  } else if (wf.patched(WATCHDOG_PATCH)) {
    await awaitFinalData(meeting, input.watchdog ?? DEFAULT_WATCHDOG, {
      reconcile: (ask) => reconcileMeetingBaas(meeting.view.externalId, ask),
      apply,
      changed: publish,
      waiting: (note) => showWaiting('watchdog', note),
    });
  } else {
    await wf.condition(() => meeting.status === 'collecting' || meeting.isFinished);
  }
  if (input.provider === 'meetingbaas' && meeting.status === 'collecting') {
    await collectMeetingBaas(meeting);
    publish();
  }

  // Stay a while so that late and duplicate deliveries land in this history instead of a new run.
  if (input.lingerSeconds) {
    await wf.sleep(input.lingerSeconds * 1000, { summary: 'Meeting final: open for late deliveries' });
  }
  await wf.condition(wf.allHandlersFinished);
  return meeting.view;

  /** Webex has no final webhook: once the meeting ended, its assets are looked for until found or late. */
  async function collectWebexMeeting(): Promise<void> {
    await wf.condition(
      () => meeting.status === 'ended' || meeting.status === 'collecting' || meeting.isFinished,
    );
    if (meeting.status === 'ended') {
      apply({
        provider: 'webex',
        externalId: meeting.view.externalId,
        kind: 'collect',
        code: 'collect_assets',
        receivedAt: nowIso(),
        source: 'timer',
        dedupeKey: 'collect_assets',
        note: 'looking for the recordings, transcript and participants Webex publishes after the meeting',
      });
    }
    if (meeting.status !== 'collecting') return;
    await collectWebex(
      meeting,
      input.webex ?? DEFAULT_WEBEX_COLLECTION,
      webexNotified,
      (ids) => {
        webexRecordingIds = ids;
      },
      showWaiting,
    );
    publish();
  }
}

/** The signed URL an event from before the issue-12 hygiene carried (newer events never carry one). */
function legacyRecordingUrl(meeting: Meeting): RecordingUrl | undefined {
  const rec = meeting.finalData?.recording;
  return rec?.url && rec.urlExpiresAt && !rec.redacted
    ? { url: rec.url, expiresAt: rec.urlExpiresAt }
    : undefined;
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
