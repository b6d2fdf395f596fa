import { z } from 'zod';

/**
 * A provider timestamp: ISO 8601 with or without an offset (a missing offset is read as UTC, which is what
 * providers mean), normalised to `Date#toISOString()` form so that string order is time order.
 */
export const providerTimestampSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true })])
  .transform((value) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`).toISOString());

export const isoTimestampSchema = z.iso.datetime();
