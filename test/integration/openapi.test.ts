// GET /openapi.json: a valid OpenAPI document (checked by an OpenAPI validator) that describes exactly the
// routes the express app serves, and whose schemas the real answers of the service match.
import { Client, Connection } from '@temporalio/client';
import type { Router } from 'express';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { OpenAPIV3_1 } from 'openapi-types';
import pino from 'pino';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { MeetingsGateway } from '../../api/temporal-gateway';
import { errorBodySchema } from '../../contract/errors';
import { meetingsListSchema } from '../../contract/meetings-list';
import { meetingViewSchema } from '../../domain/view';
import { FileArchive } from '../../platform/archive';
import { startStack, viewWhenOn, type Stack } from '../helpers/stack';

let stack: Stack;
let document: OpenAPIV3_1.Document;
beforeAll(async () => {
  stack = await startStack();
  const res = await stack.api(`/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  document = (await res.json()) as OpenAPIV3_1.Document;
});
afterAll(async () => {
  await stack?.stop();
});

const ROOT = path.resolve(__dirname, '../..');

/**
 * swagger-parser's validation (the OpenAPI 3.1 JSON Schema, every $ref resolved), in a plain Node process:
 * its reference resolver is an ES module that jest's CommonJS runtime cannot load. Returns the errors.
 */
function swaggerParserErrors(doc: object): string {
  const script = `
    const SwaggerParser = require('@apidevtools/swagger-parser');
    let input = '';
    process.stdin.on('data', (c) => (input += c)).on('end', () =>
      SwaggerParser.validate(JSON.parse(input)).then(
        () => process.exit(0),
        (err) => { console.error(err.message, JSON.stringify(err.details ?? '')); process.exit(1); },
      ),
    );`;
  const res = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    input: JSON.stringify(doc),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return res.status === 0 ? '' : `exit ${res.status}: ${res.stderr}`;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** `METHOD /path/{param}` for every operation of the document. */
function documentedRoutes(doc: OpenAPIV3_1.Document): string[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item?.[m]).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** `METHOD /path/{param}` for every route registered in the app (routers are mounted at the root). */
function registeredRoutes(stack: RouterLayer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${path}`);
    }
    return layer.handle?.stack ? registeredRoutes(layer.handle.stack) : [];
  });
}

/** The JSON Schema of a response in the document, its `$ref`s to the components replaced by what they name. */
function responseSchema(path: string, method: 'get' | 'post', status: string): z.core.JSONSchema.JSONSchema {
  const response = document.paths?.[path]?.[method]?.responses?.[status] as OpenAPIV3_1.ResponseObject;
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no JSON schema for ${method} ${path} ${status}`);
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (typeof node !== 'object' || node === null) return node;
    const ref = (node as { $ref?: string }).$ref;
    if (ref) return inline(document.components!.schemas![ref.replace('#/components/schemas/', '')]);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]));
  };
  return inline(schema) as z.core.JSONSchema.JSONSchema;
}

/** Checks `body` against the document's schema for that answer (read by zod's JSON Schema reader). */
function expectToMatchDocument(body: unknown, path: string, method: 'get' | 'post', status: string): void {
  const result = z.fromJSONSchema(responseSchema(path, method, status)).safeParse(body);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

test('the document is valid OpenAPI 3.1 (swagger-parser)', () => {
  expect(document.openapi).toBe('3.1.0');
  expect(swaggerParserErrors(document)).toBe('');
  // The validator does find errors: a response without its required description, a dangling $ref.
  const broken = structuredClone(document);
  delete (broken.paths!['/healthz']!.get!.responses['200'] as { description?: string }).description;
  expect(swaggerParserErrors(broken)).toMatch(/description/);
  const dangling = structuredClone(document);
  (dangling.components!.schemas as Record<string, unknown>).MeetingView = {
    $ref: '#/components/schemas/NoSuchSchema',
  };
  expect(swaggerParserErrors(dangling)).toMatch(/NoSuchSchema/);
});

test('it describes exactly the routes the express app registers', () => {
  const app = createApp({
    config: {
      MEETINGBAAS_API_KEY: 'key',
      MEETINGBAAS_WEBHOOK_SECRET: undefined,
      WEBEX_WEBHOOK_SECRET: undefined,
      WEBEX_AUTO_RECORD: false,
      WEBHOOK_BODY_LIMIT: 1024,
    },
    // Never connected: only the routes are looked at.
    gateway: new MeetingsGateway(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), {
      taskQueue: 'unused',
      callTimeoutMs: 100,
      lingerSeconds: 0,
    }),
    archive: new FileArchive('/nonexistent'),
    log: pino({ level: 'silent' }),
  });
  const registered = registeredRoutes((app.router as unknown as Router).stack as RouterLayer[]);
  expect(registered.length).toBeGreaterThanOrEqual(12);
  expect([...new Set(registered)].sort()).toEqual(documentedRoutes(document).sort());
});

test('every route documents its error answers with the Error schema; the webhooks their credentials', () => {
  const errorRef = { $ref: '#/components/schemas/Error' };
  const op = (path: string, method: 'get' | 'post' | 'delete') => document.paths![path]![method]!;
  const errorsOf = (path: string, method: 'get' | 'post' | 'delete') =>
    Object.entries(op(path, method).responses)
      .filter(([status]) => Number(status) >= 400)
      .map(([status, r]) => {
        expect((r as OpenAPIV3_1.ResponseObject).content!['application/json']!.schema).toEqual(errorRef);
        return status;
      });

  expect(errorsOf('/webhooks/meetingbaas', 'post')).toEqual(['400', '401', '413', '415', '503']);
  expect(errorsOf('/webhooks/webex', 'post')).toEqual(['400', '401', '413', '415', '503']);
  // Routes behind a token: 401 without one, 403 with a read token on a write route (api/access.ts).
  expect(errorsOf('/bots', 'post')).toEqual(['400', '401', '403', '413', '415', '422', '502', '503']);
  expect(errorsOf('/bots/{botId}', 'delete')).toEqual(['400', '401', '403', '404', '503']);
  expect(errorsOf('/meetings', 'get')).toEqual(['400', '401', '503']);
  expect(errorsOf('/meetings/{provider}/{externalId}', 'get')).toEqual(['400', '401', '404', '503']);
  expect(errorsOf('/meetings/{provider}/{externalId}/recording-url', 'post')).toEqual([
    '400',
    '401',
    '403',
    '404',
    '409',
    '503',
  ]);
  expect(errorsOf('/readyz', 'get')).toEqual(['503']);

  expect(op('/webhooks/meetingbaas', 'post').security).toEqual([
    { meetingBaasApiKey: [] },
    { svixSignature: [] },
  ]);
  expect(op('/webhooks/webex', 'post').security).toEqual([{ webexSignature: [] }]);
  expect(document.components!.securitySchemes).toMatchObject({
    meetingBaasApiKey: { type: 'apiKey', in: 'header', name: 'x-meeting-baas-api-key' },
    svixSignature: { type: 'apiKey', in: 'header', name: 'svix-signature' },
    webexSignature: { type: 'apiKey', in: 'header', name: 'x-spark-signature' },
  });
  const headers = (op('/webhooks/meetingbaas', 'post').parameters as OpenAPIV3_1.ParameterObject[])
    .filter((p) => p.in === 'header')
    .map((p) => p.name);
  expect(headers).toEqual(['svix-id', 'svix-timestamp']);
});

test("the service's real answers match the document's schemas", async () => {
  // A finished meeting, read back through the API.
  const meeting = stack.sim.meetingBaas.create({ words: 30 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  await viewWhenOn(() => stack)(meeting.botId, (v) => v.status === 'completed');
  const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}`);
  expect(res.status).toBe(200);
  const view: unknown = await res.json();

  const viewPath = '/meetings/{provider}/{externalId}';
  expectToMatchDocument(view, viewPath, 'get', '200');
  // Nothing the schema does not name (zod strips unknown keys: equal means there were none).
  expect(meetingViewSchema.parse(view)).toEqual(view);
  // The document's schema is not so loose that anything passes.
  const documented = z.fromJSONSchema(responseSchema(viewPath, 'get', '200'));
  expect(documented.safeParse({ ...(view as object), status: 'not-a-status' }).success).toBe(false);
  expect(documented.safeParse({ ...(view as object), history: undefined }).success).toBe(false);

  const list: unknown = await (await stack.api(`/meetings?provider=meetingbaas&limit=5`)).json();
  expectToMatchDocument(list, '/meetings', 'get', '200');
  expect(meetingsListSchema.parse(list)).toEqual(list);

  const bad = await stack.api(`/meetings/meetingbaas/-not-an-id`);
  expect(bad.status).toBe(400);
  const error: unknown = await bad.json();
  expectToMatchDocument(error, viewPath, 'get', '400');
  expect(errorBodySchema.parse(error)).toEqual(error);
});
