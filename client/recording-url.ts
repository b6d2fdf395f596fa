import { z } from 'zod';

/** The answer of POST /meetings/{provider}/{externalId}/recording-url (the refreshRecordingUrl Update). */
export const recordingUrlSchema = z
  .object({
    url: z.url(),
    expiresAt: z.iso.datetime({ offset: true }).describe('The URL is valid at least 10 minutes from now'),
  })
  .describe('A currently valid URL of the recording');
