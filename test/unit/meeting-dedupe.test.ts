// Duplicates: an event is recorded once, by its dedupe key (domain/meeting.ts).
import { t, complete, joining, recording, fresh } from './meeting-fixtures';

test('a duplicate (same dedupe key) is reported as such and recorded once', () => {
  const m = fresh();
  expect(m.apply(joining(t(0)))).toBe('applied');
  expect(m.apply(joining(t(0)))).toBe('duplicate');
  expect(m.view.history).toHaveLength(1);
});

test('a duplicate is recognised by its dedupe key, even when delivered with another receivedAt', () => {
  const m = fresh();
  m.apply(complete(t(10)));
  expect(m.apply(complete(t(11)))).toBe('duplicate');
  expect(m.view.history).toHaveLength(1);
});

test('a duplicate of an event that was not applied stays a single history entry', () => {
  const m = fresh();
  m.apply(recording(t(5)));
  const late = joining(t(1));
  expect(m.apply(late)).toBe('recorded');
  expect(m.apply(late)).toBe('duplicate');
  expect(m.view.history).toHaveLength(2);
});
