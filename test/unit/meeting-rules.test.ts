// Rules newer than running meetings (patches): asked only where they decide otherwise, and the old
// decision kept for histories recorded before them (domain/meeting.ts MEETING_RULES).
import { Meeting, type MeetingRule } from '../../domain/meeting';
import {
  BOT,
  t,
  status,
  complete,
  joining,
  waiting,
  inCall,
  recording,
  paused,
  resumed,
  callEnded,
  botRejected,
  archived,
} from './meeting-fixtures';

test('nothing archived, before the transient-not-verdict rule: completed (old histories replay)', () => {
  const asked: string[] = [];
  const m = new Meeting('meetingbaas', BOT, {
    applies: (rule) => {
      asked.push(rule);
      return rule !== 'transient-not-verdict';
    },
  });
  m.apply(recording(t(1)));
  m.apply(complete(t(40), { url: null, transcript: false }));
  m.collected({});
  expect(m.status).toBe('completed');
  expect(asked).toContain('transient-not-verdict');
});

describe('rules newer than running meetings are asked only where they decide otherwise', () => {
  const recordingRules = () => {
    const asked: MeetingRule[] = [];
    let answer = false;
    const meeting = new Meeting('meetingbaas', BOT, {
      applies: (rule) => {
        asked.push(rule);
        return answer;
      },
    });
    return { meeting, asked, answerWith: (a: boolean) => (answer = a) };
  };

  test('an ordinary meeting never asks (so a recorded history issues no new command)', () => {
    const { meeting, asked } = recordingRules();
    for (const e of [
      joining(t(0)),
      waiting(t(1)),
      inCall(t(2)),
      recording(t(3)),
      paused(t(4)),
      resumed(t(5)),
    ])
      meeting.apply(e);
    meeting.apply(callEnded(t(30)));
    meeting.apply(complete(t(31)));
    meeting.apply(inCall(t(2, 30))); // late, cannot move the meeting anyway
    meeting.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
    expect(meeting.status).toBe('completed');
    expect(asked).toEqual([]);
  });

  test('before never-admitted-never-completed: a refused bot failed as soon as its final data came', () => {
    const { meeting, asked } = recordingRules();
    meeting.apply(waiting(t(1)));
    meeting.apply(botRejected(t(2)));
    meeting.apply(complete(t(3)));
    expect(meeting.status).toBe('failed');
    expect(meeting.view.error?.code).toBe('bot_not_admitted');
    expect(asked).toEqual(['never-admitted-never-completed']);
  });

  test('before never-admitted-never-completed: a bot removed from the waiting room completed', () => {
    const { meeting, asked } = recordingRules();
    meeting.apply(waiting(t(1)));
    meeting.apply(status('ended', 'bot_removed', t(2), { endReason: 'bot_removed' }));
    meeting.apply(complete(t(3), { url: null, transcript: false }));
    meeting.collected({});
    expect(meeting.status).toBe('completed');
    expect(asked).toEqual(['never-admitted-never-completed']);
  });

  test('before late-events-move-forward: a stale forward event was recorded only', () => {
    const { meeting, asked } = recordingRules();
    meeting.apply(joining(t(5)));
    expect(meeting.apply(waiting(t(4)))).toBe('recorded');
    expect(asked).toEqual(['late-events-move-forward']);
  });

  test('before provider-time-evidence: a readable timestamp far ahead was taken as it was', () => {
    const { meeting, asked, answerWith } = recordingRules();
    meeting.apply(status('joining', 'joining_call', '2999-01-01T00:00:00.000Z', { receivedAt: t(0) }));
    expect(meeting.view.history[0]!.at).toBe('2999-01-01T00:00:00.000Z');
    expect(asked).toEqual(['provider-time-evidence']);
    // Unreadable garbage could not reach a meeting then: nothing to ask, it is placed at its receipt.
    answerWith(true);
    meeting.apply(status('unknown', 'x', 'not a date', { receivedAt: t(1) }));
    expect(asked).toHaveLength(1);
    expect(meeting.view.history[1]!.at).toBe(t(1));
  });
});
