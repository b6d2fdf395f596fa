// The provider's `failed`: the meeting fails with the provider's error, and stays failed (domain/meeting.ts).
import { t, complete, failed, joining, fresh } from './meeting-fixtures';

test.each([
  ['CannotJoinMeeting', 'The bot could not join.'],
  ['TimeoutWaitingToStart', 'gave up'],
  ['InternalError', 'boom'],
])('failed %s -> failed with error code = the provider error', (code, message) => {
  const m = fresh();
  m.apply(joining(t(0)));
  expect(m.apply(failed(t(3), { code, message }))).toBe('applied');
  expect(m.status).toBe('failed');
  expect(m.isFinished).toBe(true);
  expect(m.view.error).toEqual({ code, message });
  expect(m.view.history.at(-1)).toMatchObject({ code: 'failed', status: 'failed', applied: true });
});

test('failed without error details still sets an error naming the provider code', () => {
  const m = fresh();
  m.apply(failed(t(3)));
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('failed');
  expect(m.view.error?.message).toEqual(expect.any(String));
});

test('after failed, later events are recorded but change nothing', () => {
  const m = fresh();
  m.apply(failed(t(3), { code: 'BotRemoved', message: 'removed' }));
  expect(m.apply(complete(t(4)))).toBe('recorded');
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('BotRemoved');
});
