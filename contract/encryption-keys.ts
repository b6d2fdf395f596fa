// PAYLOAD_ENCRYPTION_KEYS, read the same way by the service's config and by the typed client.
import { z } from 'zod';
import { commaSeparated } from './comma-separated';
import type { EncryptionKey } from './payload-codec';

/** `PAYLOAD_ENCRYPTION_KEYS`: comma-separated `<keyId>:<base64 32-byte key>`; the first encrypts. */
export const encryptionKeysSchema = commaSeparated.pipe(
  z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]+$/, 'entries look like <keyId>:<base64 key>')
        .transform((entry): EncryptionKey => {
          const at = entry.indexOf(':');
          return { id: entry.slice(0, at), key: Buffer.from(entry.slice(at + 1), 'base64') };
        })
        .refine((k) => k.key.length === 32, {
          message: 'each key is 32 bytes, base64-encoded (openssl rand -base64 32)',
        }),
    )
    .min(1)
    .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'key ids must be unique'),
);

/**
 * The keys of a PAYLOAD_ENCRYPTION_KEYS value; undefined when it is unset or blank (plain payloads). A bad
 * value throws, naming what is wrong (never the keys themselves).
 */
export function parseEncryptionKeys(value: string | undefined): EncryptionKey[] | undefined {
  if (!value?.trim()) return undefined;
  const parsed = encryptionKeysSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(`PAYLOAD_ENCRYPTION_KEYS: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
