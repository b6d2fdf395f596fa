// Provider timestamps are evidence, not law. An event is placed in time at its provider's timestamp only when
// that names a real instant no more than 5 minutes in the future of the event's receipt; otherwise at its
// receipt, with a note saying why. Pure and free of zod on purpose: the meeting workflow bundles it (the
// edge's zod schemas are in timestamps.ts).

/** How far ahead of its receipt a provider timestamp may be: the provider's clock may run a little fast. */
export const MAX_AHEAD_OF_RECEIPT_MS = 5 * 60_000;
/** The earliest instant read as real (1970-01-01T00:00:00Z): before it are clocks' zero values (year 0, 1…). */
export const EARLIEST_REAL_MS = 0;
/** The latest: after 9999, `Date#toISOString` leaves the plain ISO form (and Temporal refuses the date). */
export const LATEST_REAL_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** How much of an unreadable timestamp is kept and quoted: a timestamp is evidence, not a payload. */
export const MAX_KEPT_CHARS = 64;

// ISO 8601 date and time, seconds and fraction optional, offset optional (none: UTC, what providers mean).
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The instant (ms since the epoch) a provider timestamp names, or undefined when it names none: not ISO 8601,
 * not a calendar date and time (February 30, 24:00, an offset of 25 hours), before 1970 or after 9999.
 */
export function readProviderTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Years before 1969 are out of range anyway (and Date.UTC reads 0-99 as 1900-1999).
  if (year < 1969 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const offset = m[8];
  if (offset && offset !== 'Z' && offset !== 'z') {
    const digits = offset.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || 0);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return ms >= EARLIEST_REAL_MS && ms <= LATEST_REAL_MS ? ms : undefined;
}

/** A provider timestamp in `Date#toISOString` form (so that string order is time order), if it names an instant. */
export function normaliseProviderTimestamp(value: unknown): string | undefined {
  const ms = readProviderTimestamp(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** What the edge keeps of a provider timestamp: its normal form when readable, else the value as it came (cut). */
export function keptProviderTimestamp(value: string | number): string {
  return normaliseProviderTimestamp(value) ?? String(value).slice(0, MAX_KEPT_CHARS);
}

/**
 * Whether a date may go into a Datetime search attribute: one `Date` reads, in plain ISO form (years 0000 to
 * 9999; Temporal refuses the extended form `+010000-…`, failing the workflow task). The meeting's own dates
 * are real dates (see eventTime); this is the workflow's last guard.
 */
export function isSearchableDate(iso: string | undefined): iso is string {
  if (iso === undefined) return false;
  const ms = Date.parse(iso);
  return !Number.isNaN(ms) && /^\d{4}-/.test(new Date(ms).toISOString());
}

export interface EventTime {
  /** Where the event is placed in time (ISO): the provider's instant, or the receipt time. */
  at: string;
  /** Why the provider's timestamp was not used, when it was not. */
  note?: string;
}

function span(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 120) return `${Math.round(minutes)} minutes`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} hours`;
  if (minutes < 730 * 24 * 60) return `${Math.round(minutes / (24 * 60))} days`;
  return `${Math.round(minutes / (365.25 * 24 * 60))} years`;
}

/**
 * Where an event goes in time. Without a provider timestamp: its receipt, no note (such events are never
 * compared with others). With one that is unreadable or more than 5 minutes ahead of the receipt: its
 * receipt, with a note quoting the timestamp. Otherwise the provider's instant, normalised.
 */
export function eventTime(occurredAt: string | undefined, receivedAt: string): EventTime {
  if (occurredAt === undefined) return { at: receivedAt };
  const quoted = JSON.stringify(occurredAt.slice(0, MAX_KEPT_CHARS));
  const ms = readProviderTimestamp(occurredAt);
  if (ms === undefined) {
    return {
      at: receivedAt,
      note: `provider timestamp ${quoted} is not a readable date: placed at its receipt time`,
    };
  }
  const ahead = ms - Date.parse(receivedAt);
  if (ahead > MAX_AHEAD_OF_RECEIPT_MS) {
    return {
      at: receivedAt,
      note: `provider timestamp ${quoted} is ${span(ahead)} ahead of its receipt (more than 5 minutes): placed at its receipt time`,
    };
  }
  return { at: new Date(ms).toISOString() };
}
