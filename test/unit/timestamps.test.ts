// Provider timestamps are evidence, not law: what the edge keeps (domain/timestamps.ts) and where the meeting
// places an event in time (domain/provider-time.ts).
import {
  eventTime,
  isSearchableDate,
  keptProviderTimestamp,
  MAX_AHEAD_OF_RECEIPT_MS,
  normaliseProviderTimestamp,
  readProviderTimestamp,
} from '../../domain/provider-time';
import { providerTimestampSchema } from '../../domain/timestamps';

const RECEIVED = '2024-01-01T12:00:00.000Z';
const receivedMs = Date.parse(RECEIVED);

describe('readable provider timestamps, normalised to toISOString form', () => {
  test.each([
    ['2024-01-01T12:00:00Z', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T12:00:00.000Z', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T12:00:00', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T12:00', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T12:00:00.5', '2024-01-01T12:00:00.500Z'],
    ['2024-01-01T12:00:00.123456789Z', '2024-01-01T12:00:00.123Z'],
    ['2024-01-01T14:00:00+02:00', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T14:00:00+0200', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T07:30:00-04:30', '2024-01-01T12:00:00.000Z'],
    ['2023-12-31T23:59:59.999-01:00', '2024-01-01T00:59:59.999Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['2001-01-01T00:00:00Z', '2001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseProviderTimestamp(input)).toBe(expected);
    expect(readProviderTimestamp(input)).toBe(Date.parse(expected));
  });
});

describe('timestamps that name no real instant', () => {
  test.each<[string, unknown]>([
    ['garbage', 'not a date'],
    ['yesterday', 'yesterday'],
    ['a date without a time', '2024-01-01'],
    ['a space instead of T', '2024-01-01 12:00:00'],
    ['an epoch number', 1704110400000],
    ['an epoch number as a string', '1704110400'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['year 1 (a clock zero value)', '0001-01-01T00:00:00Z'],
    ['before 1970', '1969-12-31T23:59:59Z'],
    ['before 1970 once its offset is applied', '1970-01-01T00:30:00+01:00'],
    ['past 9999 once its offset is applied', '9999-12-31T23:59:59-23:59'],
    ['year 275760 (the last date JavaScript knows)', '+275760-09-13T00:00:00.000Z'],
    ['year 275761', '275761-01-01T00:00:00Z'],
    ['February 30', '2024-02-30T12:00:00Z'],
    ['February 29 of a common year', '2023-02-29T12:00:00Z'],
    ['month 13', '2024-13-01T12:00:00Z'],
    ['hour 24', '2024-01-01T24:00:00Z'],
    ['second 60', '2024-01-01T12:00:60Z'],
    ['an offset of 24 hours', '2024-01-01T12:00:00+24:00'],
    ['an empty string', ''],
    ['null', null],
    ['an object', { at: RECEIVED }],
  ])('%s', (_name, input) => {
    expect(readProviderTimestamp(input)).toBeUndefined();
    expect(normaliseProviderTimestamp(input)).toBeUndefined();
  });
});

describe('what the edge keeps: the webhook is accepted whatever the timestamp', () => {
  test.each<[unknown, string]>([
    ['2024-01-01T14:00:00+02:00', '2024-01-01T12:00:00.000Z'],
    ['not a date', 'not a date'],
    ['9999-12-31T23:59:59-23:59', '9999-12-31T23:59:59-23:59'],
    [1704110400000, '1704110400000'],
    ['x'.repeat(10_000), 'x'.repeat(64)],
  ])('%j is kept as %j', (input, kept) => {
    expect(providerTimestampSchema.parse(input)).toBe(kept);
    expect(keptProviderTimestamp(input as string | number)).toBe(kept);
  });

  test.each([[null], [true], [{ at: RECEIVED }], [[RECEIVED]]])('%j is not a timestamp at all', (input) => {
    expect(providerTimestampSchema.safeParse(input).success).toBe(false);
  });
});

describe('where an event is placed in time', () => {
  test('no provider timestamp: its receipt, no note', () => {
    expect(eventTime(undefined, RECEIVED)).toEqual({ at: RECEIVED });
  });

  test.each([
    ['the receipt itself', RECEIVED],
    ['an hour before', '2024-01-01T11:00:00.000Z'],
    ['years before', '2001-01-01T00:00:00.000Z'],
    ['5 minutes ahead (a fast clock)', new Date(receivedMs + MAX_AHEAD_OF_RECEIPT_MS).toISOString()],
  ])('%s: the provider time', (_name, occurredAt) => {
    expect(eventTime(occurredAt, RECEIVED)).toEqual({ at: occurredAt });
  });

  test('a timestamp with an offset is placed at its instant, in toISOString form', () => {
    expect(eventTime('2024-01-01T13:00:00+01:00', RECEIVED)).toEqual({ at: RECEIVED });
  });

  test.each([
    [
      '5 minutes and a millisecond ahead',
      new Date(receivedMs + MAX_AHEAD_OF_RECEIPT_MS + 1).toISOString(),
      /5 minutes ahead/,
    ],
    ['a day ahead', '2024-01-02T12:00:00Z', /24 hours ahead/],
    ['a month ahead', '2024-02-01T12:00:00Z', /31 days ahead/],
    ['the year 9999', '9999-12-31T23:59:59Z', /7976 years ahead/],
  ])('%s: its receipt, with a note', (_name, occurredAt, note) => {
    const time = eventTime(occurredAt, RECEIVED);
    expect(time.at).toBe(RECEIVED);
    expect(time.note).toMatch(note);
    expect(time.note).toMatch(/placed at its receipt time/);
    expect(time.note).toContain(JSON.stringify(occurredAt));
  });

  test.each(['not a date', '9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00Z', '1704110400000', ''])(
    'unreadable %j: its receipt, with a note quoting it',
    (occurredAt) => {
      const time = eventTime(occurredAt, RECEIVED);
      expect(time).toEqual({
        at: RECEIVED,
        note: `provider timestamp ${JSON.stringify(occurredAt)} is not a readable date: placed at its receipt time`,
      });
    },
  );

  test('the note quotes at most 64 characters', () => {
    const time = eventTime('y'.repeat(500), RECEIVED);
    expect(time.note).toContain(`"${'y'.repeat(64)}"`);
    expect(time.note).not.toContain('y'.repeat(65));
  });
});

describe('dates a Datetime search attribute takes', () => {
  test.each([
    [RECEIVED, true],
    ['1970-01-01T00:00:00.000Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    ['+010000-01-01T23:58:59.000Z', false],
    ['not a date', false],
    ['', false],
    [undefined, false],
  ])('%j: %s', (iso, expected) => {
    expect(isSearchableDate(iso)).toBe(expected);
  });
});
