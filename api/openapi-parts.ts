// The pieces every route's OpenAPI description shares: JSON bodies, the error answers by status, the
// webhook answers. Schemas get a component name with zod's own `.meta({ id })` (no patching of zod).
import type { ResponseConfig, RouteConfig, ZodRequestBody } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorBodySchema, type ErrorCode } from '../contract/errors';

/** A credential carried in a request header (the webhooks' keys and signatures). */
export type HeaderCredential = { type: 'apiKey'; in: 'header'; name: string; description: string };

/** What a router module contributes to the document. */
export interface RouteDocs {
  routes: RouteConfig[];
  securitySchemes?: Record<string, HeaderCredential>;
  /** Named schemas the routes use only through `schemaRef` (zod-to-openapi inlines union members). */
  schemas?: z.ZodType[];
}

/** A `$ref` to a schema named with `.meta({ id })`; list the schema in its RouteDocs' `schemas`. */
export function schemaRef(schema: z.ZodType): { $ref: string } {
  const id = schema.meta()?.id;
  if (!id) throw new Error('schemaRef needs a schema named with .meta({ id })');
  return { $ref: `#/components/schemas/${id}` };
}

export const ErrorBody = errorBodySchema.meta({
  id: 'Error',
  description: 'Every error answer: a code to act on, a message for people, the validation issues if any.',
});

export function jsonResponse(description: string, schema: z.ZodType): ResponseConfig {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonRequestBody(description: string, schema: z.ZodType): ZodRequestBody {
  return { description, required: true, content: { 'application/json': { schema } } };
}

/** What each error status means, whatever the route. */
const MEANING = {
  400: 'The request could not be used',
  401: 'Missing or wrong credentials',
  403: 'The credentials do not allow this route',
  404: 'Not found',
  409: 'Not possible in the current state',
  410: 'Erased on request: gone for good',
  413: 'The body is larger than the configured limit',
  415: 'The body is not application/json, or is compressed (only identity Content-Encoding)',
  422: 'The provider refused the request',
  502: 'The provider could not be reached or failed',
  503: 'A dependency is unavailable: retry later',
} as const;
export type ErrorStatus = keyof typeof MEANING;

/** The error answers of a route, e.g. `{ 404: ['not_found'], 503: ['temporal_unavailable'] }`. */
export function errorResponses(
  answers: Partial<Record<ErrorStatus, readonly ErrorCode[]>>,
): Record<string, ResponseConfig> {
  return Object.fromEntries(
    Object.entries(answers).map(([status, codes]) => [
      status,
      jsonResponse(`${MEANING[Number(status) as ErrorStatus]} (\`error\`: ${codes.join(', ')})`, ErrorBody),
    ]),
  );
}

/** The answers of every route that reads a JSON body, before its own checks. */
export const BODY_ERRORS = {
  400: ['invalid_json', 'invalid_payload'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
} as const satisfies Partial<Record<ErrorStatus, readonly ErrorCode[]>>;

export const WebhookAccepted = z
  .object({ workflowId: z.string().describe("The meeting's workflow, which has the event in its history") })
  .meta({ id: 'WebhookAccepted', description: 'The event is durably stored: do not send it again' });

export const WebhookIgnored = z
  .object({
    ignored: z.literal(true),
    workflowId: z.string().optional().describe('When the meeting is known but its workflow has closed'),
    message: z.string().optional(),
  })
  .meta({
    id: 'WebhookIgnored',
    description:
      'Received and deliberately not acted on (an event type the service does not follow, a closed meeting)',
  });

/** The answers every webhook route shares. */
export const WEBHOOK_ANSWERS: Record<string, ResponseConfig> = {
  200: jsonResponse('Accepted: the event is in the meeting workflow’s history', WebhookAccepted),
  202: jsonResponse(
    'Ignored: an event type the service does not follow, or the meeting is closed',
    WebhookIgnored,
  ),
};
