import { z } from 'zod';

export const PROVIDERS = ['meetingbaas', 'webex'] as const;
export const providerSchema = z.enum(PROVIDERS);
export type Provider = z.infer<typeof providerSchema>;

/**
 * A provider's id for a meeting (Meeting BaaS bot id, Webex meeting instance id). It becomes one URL path
 * segment, one archive folder name and part of a workflow id, so only characters that are safe in all
 * three are accepted: no slash, no dot-segments, no whitespace or control characters.
 */
export const externalIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must be letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

export function meetingWorkflowId(provider: Provider, externalId: string): string {
  return `${provider}:${externalId}`;
}
