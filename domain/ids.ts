import { z } from 'zod';
import { PROVIDERS } from './workflow-id';

export { PROVIDERS, type Provider } from './workflow-id';
export const providerSchema = z.enum(PROVIDERS);

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
