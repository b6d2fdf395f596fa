// The final data collected: assets archived, pending or unavailable, `completed` or `no_assets`
// (domain/meeting.ts).
import { t, complete, recording, callEnded, archived, fresh } from './meeting-fixtures';

test('complete as the only event -> collecting, then collected -> completed', () => {
  const m = fresh();
  expect(m.apply(complete(t(40)))).toBe('applied');
  expect(m.status).toBe('collecting');
  expect(m.isFinished).toBe(false);
  expect(m.view.recording?.status).toBe('pending');
  expect(m.view.transcript?.status).toBe('pending');
  // No end event: the end is known no later than the arrival of the final data.
  expect(m.view.endedAt).toBe(t(40));

  m.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
  expect(m.status).toBe('completed');
  expect(m.view.recording).toEqual(archived('recording.mp4'));
  expect(m.view.transcript).toEqual(archived('transcript.json'));
});

test('complete without recording URL nor transcript: both unavailable, collected({}) fails no_assets', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(complete(t(40), { url: null, transcript: false }));
  expect(m.view.recording?.status).toBe('unavailable');
  expect(m.view.recording?.reason).toEqual(expect.any(String));
  expect(m.view.transcript?.status).toBe('unavailable');
  expect(m.nothingArchived).toBe(true);
  m.collected({});
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('no_assets');
  expect(m.view.error?.message).toMatch(
    /^nothing could be archived \(recording: the final data has no recording URL; transcript: /,
  );
});

test('one asset archived is enough: completed', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(complete(t(40), { transcript: false }));
  m.retrying('recording', 'recording: retrying, archive full (ENOSPC)');
  expect(m.view.recording).toMatchObject({
    status: 'pending',
    reason: 'recording: retrying, archive full (ENOSPC)',
  });
  m.collected({ recording: archived('recording.mp4') });
  expect(m.status).toBe('completed');
  expect(m.view.recording?.reason).toBeUndefined();
});

test('collected while something is still pending keeps the meeting collecting', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(callEnded(t(20)));
  m.apply(complete(t(21)));
  m.collected({ recording: archived('recording.mp4') });
  expect(m.status).toBe('collecting');
  expect(m.view.recording?.status).toBe('archived');
  expect(m.view.transcript?.status).toBe('pending');

  m.collected({ transcript: archived('transcript.json') });
  expect(m.status).toBe('completed');
});

test('collected with the recording still explicitly pending keeps collecting', () => {
  const m = fresh();
  m.apply(complete(t(21)));
  m.collected({ recording: { status: 'pending' }, transcript: archived('transcript.json') });
  expect(m.status).toBe('collecting');
});

test('collected before any final data does not complete a live meeting', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.collected({});
  expect(m.status).toBe('recording');
});
