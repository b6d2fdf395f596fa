import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type EncryptionKey } from './payload-codec';

/**
 * The failure converter that moves failure messages and stack traces into an encoded payload. Loaded by path:
 * by clients and the worker through the data converter, and in the workflow sandbox from the workflow bundle
 * (a bundle for encrypted payloads is built with it: worker/worker.ts, scripts/build-workflow-bundle.ts).
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter of every Temporal client and worker of the service: with keys, payloads are encrypted
 * (contract/payload-codec.ts) and failure messages and stack traces are moved into an encoded payload, so
 * they are encrypted too; without, Temporal's defaults (plain payloads: the embedded default and the CLI
 * work without flags).
 */
export function dataConverterFor(keys: readonly EncryptionKey[] | undefined): DataConverter | undefined {
  if (!keys?.length) return undefined;
  return {
    payloadCodecs: [new AesGcmPayloadCodec(keys)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
