// Late final data (issue "No meeting stuck, lost or mislabelled", parts 6 and 7): which late events start a
// new run of a closed meeting, where the lifecycle takes them, and a meeting resumed from a closed run's view.
import type { ProviderEvent } from '../../domain/events';
import { announcesFinalData, resumesClosedMeeting } from '../../domain/late-delivery';
import { lateCollection, MEETING_STATUSES, LIFECYCLE_EVENTS } from '../../domain/lifecycle';
import { Meeting, type MeetingRule } from '../../domain/meeting';
import type { MeetingView } from '../../domain/view';

const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 12, 0, s)).toISOString();

function event(kind: ProviderEvent['kind'], code: string, s: number, extra: Partial<ProviderEvent> = {}) {
  return {
    provider: 'meetingbaas' as const,
    externalId: 'bot-1',
    kind,
    code,
    occurredAt: at(s),
    receivedAt: at(s),
    source: 'webhook' as const,
    dedupeKey: `${code}:${s}`,
    ...extra,
  };
}
const complete = (s: number) =>
  event('final_data', 'complete', s, {
    recording: { url: 'https://example.com/r.mp4', redacted: true },
    hasTranscript: true,
    payloadRef: { uri: 'file:///a/x.json', bytes: 1, sha256: 'a'.repeat(64) },
  });
const missing = (s: number) =>
  event('final_failure', 'final_event_missing', s, {
    source: 'timer',
    occurredAt: undefined,
    error: { code: 'final_event_missing', message: 'no final data' },
  });

/** A meeting that was in the call, ended, and failed for want of its final data. */
function failedForWantOfData(applies?: (rule: MeetingRule) => boolean) {
  const meeting = new Meeting('meetingbaas', 'bot-1', { applies });
  meeting.apply(event('in_call', 'in_call_recording', 1));
  meeting.apply(event('ended', 'call_ended', 2));
  meeting.apply(missing(3));
  expect(meeting.status).toBe('failed');
  return meeting;
}

describe('lateCollection', () => {
  test('only failed for want of final data + final_data, and completed + asset_published, collect', () => {
    const moves = MEETING_STATUSES.flatMap((status) =>
      LIFECYCLE_EVENTS.flatMap((e) =>
        ['final_event_missing', 'no_end', 'bot_not_admitted', 'TimeoutWaitingToStart'].flatMap(
          (errorCode) => {
            const to = lateCollection({ status, errorCode }, e);
            return to ? [[status, e, errorCode, to]] : [];
          },
        ),
      ),
    );
    expect(moves).toEqual([
      ['completed', 'asset_published', 'final_event_missing', 'collecting'],
      ['completed', 'asset_published', 'no_end', 'collecting'],
      ['completed', 'asset_published', 'bot_not_admitted', 'collecting'],
      ['completed', 'asset_published', 'TimeoutWaitingToStart', 'collecting'],
      ['failed', 'final_data', 'final_event_missing', 'collecting'],
      ['failed', 'final_data', 'no_end', 'collecting'],
    ]);
  });
});

describe('Meeting: late final data', () => {
  test('failed final_event_missing + complete: collecting, the error only in the history, then completed', () => {
    const meeting = failedForWantOfData();
    // Older than the newest applied status: still applied.
    expect(meeting.apply(complete(0))).toBe('applied');
    expect(meeting.status).toBe('collecting');
    expect(meeting.view.error).toBeUndefined();
    expect(meeting.view.recording?.status).toBe('pending');
    expect(meeting.finalData?.code).toBe('complete');
    meeting.collected({
      recording: { status: 'archived', durationSeconds: 60 },
      transcript: { status: 'archived', utterances: 3 },
    });
    expect(meeting.status).toBe('completed');
    expect(meeting.view.history.map((h) => [h.code, h.status, h.applied])).toEqual([
      ['in_call_recording', 'in_call', true],
      ['call_ended', 'ended', true],
      ['final_event_missing', 'failed', true],
      ['complete', 'collecting', true],
    ]);
  });

  test('before the rule (a recorded history): the late complete is recorded only', () => {
    const meeting = failedForWantOfData((rule) => rule !== 'late-final-data-collected');
    expect(meeting.apply(complete(4))).toBe('recorded');
    expect(meeting.status).toBe('failed');
    expect(meeting.view.error?.code).toBe('final_event_missing');
  });

  test('a provider failure or bot_not_admitted is not revived: recorded only', () => {
    const meeting = new Meeting('meetingbaas', 'bot-1');
    meeting.apply(event('final_failure', 'failed', 1, { error: { code: 'X', message: 'x' } }));
    expect(meeting.apply(complete(2))).toBe('recorded');
    expect(meeting.status).toBe('failed');
    expect(meeting.view.error?.code).toBe('X');
  });

  test('a completed Webex meeting goes back to collecting for an announced asset', () => {
    const meeting = new Meeting('webex', 'm_I_1');
    meeting.apply({ ...event('ended', 'meetings.ended', 1), provider: 'webex', externalId: 'm_I_1' });
    meeting.apply({ ...event('collect', 'collect_assets', 2), provider: 'webex', externalId: 'm_I_1' });
    meeting.collected({
      recording: { status: 'archived', parts: [{ id: 'r1', status: 'archived' }] },
      transcript: { status: 'unavailable', reason: 'none' },
      participants: { status: 'archived', count: 2 },
    });
    expect(meeting.status).toBe('completed');
    const created = { ...event('asset_published', 'recordings.created', 3), provider: 'webex' as const };
    expect(meeting.apply({ ...created, externalId: 'm_I_1' })).toBe('applied');
    expect(meeting.status).toBe('collecting');
    expect(meeting.view.recording?.status).toBe('archived');
    meeting.collected({});
    expect(meeting.status).toBe('completed');
  });
});

describe('Meeting.resume', () => {
  test("goes on from a closed run's view: same view, admission from the history, late events new", () => {
    const closed = failedForWantOfData();
    const view = JSON.parse(JSON.stringify(closed.view)) as MeetingView;
    const resumed = Meeting.resume(view);
    expect(resumed.view).toEqual(view);
    expect(resumed.view).not.toBe(view);
    expect(resumed.apply(complete(0))).toBe('applied');
    expect(resumed.status).toBe('collecting');
    // Nothing in it shows the bot was in: once collected without evidence, bot_not_admitted.
    const waiting = new Meeting('meetingbaas', 'bot-2');
    waiting.apply({ ...event('waiting_room', 'in_waiting_room', 1), externalId: 'bot-2' });
    waiting.apply({ ...event('ended', 'call_ended', 2), externalId: 'bot-2' });
    waiting.apply({ ...missing(3), externalId: 'bot-2' });
    const again = Meeting.resume(JSON.parse(JSON.stringify(waiting.view)) as MeetingView);
    again.apply({ ...complete(4), externalId: 'bot-2' });
    again.collected({ recording: { status: 'archived' }, transcript: { status: 'archived' } });
    expect(again.view.error?.code).toBe('bot_not_admitted');
  });
});

describe('resumesClosedMeeting', () => {
  const view = (status: MeetingView['status']): MeetingView => ({
    workflowId: 'meetingbaas:bot-1',
    provider: 'meetingbaas',
    externalId: 'bot-1',
    status,
    history: [],
  });
  test('final data starts a new run unless the meeting completed; other late events never do', () => {
    expect(announcesFinalData({ kind: 'final_data' })).toBe(true);
    expect(announcesFinalData({ kind: 'asset_published' })).toBe(true);
    expect(announcesFinalData({ kind: 'in_call' })).toBe(false);
    expect(resumesClosedMeeting(view('failed'), { kind: 'final_data' })).toBe(true);
    expect(resumesClosedMeeting(view('completed'), { kind: 'final_data' })).toBe(false);
    expect(resumesClosedMeeting(view('completed'), { kind: 'asset_published' })).toBe(true);
    expect(resumesClosedMeeting(view('failed'), { kind: 'ended' })).toBe(false);
    expect(resumesClosedMeeting(view('failed'), { kind: 'final_failure' })).toBe(false);
  });
});
