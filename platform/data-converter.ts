import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type EncryptionKey } from './payload-codec';

/**
 * The data converter of every Temporal client and worker of the service: with keys, payloads are encrypted
 * (platform/payload-codec.ts) and failure messages and stack traces are moved into an encoded payload, so
 * they are encrypted too; without, Temporal's defaults (plain payloads: the embedded default and the CLI
 * work without flags).
 */
export function dataConverterFor(keys: readonly EncryptionKey[] | undefined): DataConverter | undefined {
  if (!keys?.length) return undefined;
  return {
    payloadCodecs: [new AesGcmPayloadCodec(keys)],
    failureConverterPath: require.resolve('./failure-converter'),
  };
}
