// Temporal's remote codec protocol (what the Temporal UI and CLI call to show encrypted payloads): POST
// /codec/encode and /codec/decode with `{ payloads: [{ metadata: {key: base64}, data: base64 }] }`, the same
// shape back. A read token decodes (api/access.ts); the UI's origin may call it from the browser (CORS).
import type { PayloadCodec } from '@temporalio/common';
import cors from 'cors';
import express, { Router } from 'express';
import { z } from 'zod';
import { sendError, zodIssues } from './errors';
import { errorResponses, jsonResponse, type RouteDocs } from './openapi-parts';

const base64 = z.base64();
const payloadsSchema = z
  .object({
    payloads: z
      .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }))
      .max(10_000),
  })
  .meta({ id: 'Payloads', description: "Temporal payloads in protobuf's JSON form (bytes as base64)" });
type JsonPayloads = z.infer<typeof payloadsSchema>['payloads'];

const fromJson = (payloads: JsonPayloads) =>
  payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));

const toJson = (payloads: Awaited<ReturnType<PayloadCodec['decode']>>): JsonPayloads =>
  payloads.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  }));

/**
 * The browser's preflight for /codec/* comes without a token, so this part goes before the token check;
 * the routes themselves (codecRoutes) after it.
 */
export function codecCors(origins: readonly string[]) {
  return cors({
    origin: [...origins],
    methods: ['POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace'],
    credentials: true,
  });
}

export function codecRoutes(codec: PayloadCodec | undefined): Router {
  const router = Router();
  const json = express.json({ limit: '20mb' });
  for (const op of ['encode', 'decode'] as const) {
    router.post(`/codec/${op}`, json, async (req, res) => {
      const parsed = payloadsSchema.safeParse(req.body);
      if (!parsed.success)
        return sendError(
          res,
          400,
          'invalid_payload',
          'expected { payloads: [...] }',
          zodIssues(parsed.error),
        );
      // Without keys nothing is encrypted: the payloads are what they are.
      if (!codec) return void res.json({ payloads: parsed.data.payloads });
      try {
        const payloads = await codec[op](fromJson(parsed.data.payloads));
        res.json({ payloads: toJson(payloads) });
      } catch (err) {
        // An unknown key id, a payload that does not decrypt: the caller's input, said as it is.
        sendError(res, 400, 'invalid_payload', err instanceof Error ? err.message : String(err));
      }
    });
  }
  return router;
}

export const codecDocs: RouteDocs = {
  routes: (['encode', 'decode'] as const).map((op) => ({
    method: 'post' as const,
    path: `/codec/${op}`,
    tags: ['codec'],
    summary:
      op === 'encode'
        ? 'Encrypt payloads as the service writes them to Temporal (remote codec protocol)'
        : 'Decrypt payloads read from Temporal, for the Temporal UI and CLI (remote codec protocol)',
    request: { body: { content: { 'application/json': { schema: payloadsSchema } } } },
    responses: {
      200: jsonResponse(
        op === 'encode' ? 'The payloads encrypted' : 'The payloads decrypted',
        payloadsSchema,
      ),
      ...errorResponses({ 400: ['invalid_json', 'invalid_payload'], 413: ['payload_too_large'] }),
    },
  })),
};
