import { z } from 'zod';

/** Where something was archived, and what exactly: workflow history holds these, never the bytes. */
export const archiveRefSchema = z.object({
  uri: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchiveRef = z.infer<typeof archiveRefSchema>;
