// Loaded by path (DataConverter.failureConverterPath) in the workflow sandbox as well as by clients: failure
// messages and stack traces go into an encoded payload, so the payload codec encrypts them too.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
