// GET /openapi.json: the API's OpenAPI 3.1 document, generated from the zod schemas that validate its
// requests (each router's description is in its docs module) and built once.
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { accessOf } from './access';
import { codecDocs } from './codec';
import { codecSessionDocs } from './codec-session';
import { meetingBaasDocs } from './meetingbaas/docs';
import { meetingDocs } from './meetings-docs';
import { errorResponses, jsonResponse, type RouteDocs } from './openapi-parts';
import { webexDocs } from './webex/docs';

const operationsDocs: RouteDocs = {
  routes: [
    {
      method: 'get',
      path: '/healthz',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      responses: { 200: jsonResponse('Alive', z.object({ status: z.literal('ok') })) },
    },
    {
      method: 'get',
      path: '/readyz',
      tags: ['operations'],
      summary: 'Readiness: Temporal is reachable, the archive writable, the process not shutting down',
      responses: {
        200: jsonResponse('Ready', z.object({ status: z.literal('ready') })),
        ...errorResponses({ 503: ['temporal_unavailable', 'archive_unavailable', 'shutting_down'] }),
      },
    },
    {
      method: 'get',
      path: '/metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics of the API process',
      responses: {
        200: {
          description: 'Prometheus text exposition format',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      tags: ['operations'],
      summary: 'This document',
      responses: {
        200: {
          description: 'The OpenAPI document',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
      },
    },
  ],
};

export const ROUTE_DOCS: readonly RouteDocs[] = [
  meetingBaasDocs,
  webexDocs,
  meetingDocs,
  codecDocs,
  codecSessionDocs,
  operationsDocs,
];

const API_TOKEN_SCHEME = 'apiToken';

/**
 * A route as the access table has it (api/access.ts): open and provider routes declare no bearer token
 * (the webhooks declare their provider's credential themselves), read and write routes the token with the
 * scope they need, and the 401/403 answers of the check.
 */
function withAccess(route: RouteConfig): RouteConfig {
  const access = accessOf(route.method, route.path);
  if (access === 'open') return { ...route, security: [] };
  if (access === 'provider') return route;
  return {
    ...route,
    security: [{ [API_TOKEN_SCHEME]: [access] }],
    responses: {
      ...route.responses,
      ...errorResponses(
        access === 'write' ? { 401: ['unauthorized'], 403: ['forbidden'] } : { 401: ['unauthorized'] },
      ),
    },
  };
}

function generate() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', API_TOKEN_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'A token of API_TOKENS. Its scope (`read` or `write`) is listed with each route that needs one; ' +
      'a write token also reads.',
  });
  for (const docs of ROUTE_DOCS) {
    for (const [name, scheme] of Object.entries(docs.securitySchemes ?? {}))
      registry.registerComponent('securitySchemes', name, scheme);
    for (const route of docs.routes) registry.registerPath(withAccess(route));
  }
  const schemas = ROUTE_DOCS.flatMap((docs) => docs.schemas ?? []);
  const definitions = [
    ...registry.definitions,
    ...schemas.map((schema) => ({ type: 'schema' as const, schema })),
  ];
  return new OpenApiGeneratorV31(definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Meeting data orchestrator',
      version: '1',
      description:
        'Collects recordings, transcripts and participants of Meeting BaaS and Webex meetings, one Temporal ' +
        'workflow per meeting. Every error is JSON `{error, message, issues?}`.',
    },
    // The routes are relative to wherever the API is served.
    servers: [{ url: '/' }],
  });
}

let document: ReturnType<typeof generate> | undefined;

/** The document (generated on first use: a schema that cannot be described fails loudly then, and in tests). */
export function openApiDocument(): ReturnType<typeof generate> {
  document ??= generate();
  return document;
}

export function openApiRoutes(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  return router;
}
