// The error answers of the HTTP API: every one has the shape {error: <code>, message, issues?}. The API
// sends them, the OpenAPI document describes them, the typed client reads them.
import { z } from 'zod';

export const ERROR_CODES = [
  'invalid_json',
  'invalid_payload',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'temporal_unavailable',
  'archive_unavailable',
  'shutting_down',
  'provider_rejected',
  'provider_unavailable',
  'provider_not_configured',
  'recording_unavailable',
  /** The meeting's data was erased on request (DELETE …/data): 410. */
  'gone',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error answer (the OpenAPI document's `Error`). */
export const errorBodySchema = z.object({
  error: z.enum(ERROR_CODES),
  message: z.string(),
  /** The validation issues, for `invalid_payload`. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Issue = NonNullable<z.infer<typeof errorBodySchema>['issues']>[number];
