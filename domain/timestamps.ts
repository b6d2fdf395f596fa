import { z } from 'zod';
import { keptProviderTimestamp, MAX_KEPT_CHARS } from './provider-time';

/**
 * A provider timestamp as the edge keeps it. Evidence, not law: a readable ISO 8601 date-time (with or
 * without an offset; none is read as UTC, which is what providers mean) is normalised to
 * `Date#toISOString()` form so that string order is time order; anything else (garbage, a number, year 0) is
 * kept as it came, cut to 64 characters, and the webhook is still accepted. The meeting decides what it is
 * worth (see provider-time.ts): an unreadable timestamp, or one more than 5 minutes in the future of its
 * receipt, is recorded with a note and ordered by its receipt time.
 */
export const providerTimestampSchema = z
  .union([z.string(), z.number()])
  .transform((value) => keptProviderTimestamp(value))
  .meta({
    description: `ISO 8601 date-time; anything else (up to ${MAX_KEPT_CHARS} characters kept) is accepted and the event ordered by its receipt time`,
  });

/** A provider timestamp once at the edge: as `providerTimestampSchema` keeps it. */
export const keptTimestampSchema = z.string().max(MAX_KEPT_CHARS);

export const isoTimestampSchema = z.iso.datetime();
