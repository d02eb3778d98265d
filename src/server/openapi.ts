/**
 * The OpenAPI 3.1 description served at /v1/openapi.json, built from the same zod
 * schemas that validate requests (command payloads included).
 */
import { z } from 'zod'
import { batchSchema, commandDefs } from './commands/engine'
import { PORTAL_ROUTES } from './portal-routes'

let cached: unknown = null

const json = (s: z.ZodType): unknown => {
  try {
    return z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' })
  } catch {
    return {}
  }
}

export function buildOpenApi(): unknown {
  if (cached) return cached
  const error = {
    type: 'object',
    properties: {
      code: { type: 'string' },
      params: { type: 'object' },
      fields: { type: 'object' },
    },
    required: ['code'],
  }
  const errors = {
    '400': {
      description: 'invalid input; `fields` names each bad field',
      content: { 'application/json': { schema: error } },
    },
    '401': {
      description: 'no or expired session',
      content: { 'application/json': { schema: error } },
    },
    '403': { description: 'not allowed', content: { 'application/json': { schema: error } } },
  }
  const bearer = [{ bearer: [] }]
  const payloads: Record<string, unknown> = {}
  for (const d of commandDefs.values()) {
    payloads[d.type] = {
      ...(json(d.schema) as object),
      'x-roles': d.roles,
      'x-legal-act': d.legalAct,
    }
  }
  const paths: Record<string, unknown> = {
    '/v1/health': { get: { summary: 'liveness', responses: { '200': { description: 'ok' } } } },
    '/v1/auth/challenge': {
      post: {
        summary: 'a one-time nonce to sign with the AUTH key (valid 5 min)',
        responses: {
          '200': { description: '{ nonce, expiresAt }' },
          '429': { description: 'rate limited' },
        },
      },
    },
    '/v1/auth/login': {
      post: {
        summary: 'staff sign-in: CMS (base64 DER) over the nonce by an AUTH key',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { nonce: { type: 'string' }, cms: { type: 'string' } },
                required: ['nonce', 'cms'],
              },
            },
          },
        },
        responses: {
          '200': { description: '{ token, expiresAt, actor }' },
          ...errors,
          '429': { description: 'rate limited' },
        },
      },
    },
    '/v1/portal/auth/login': {
      post: {
        summary: 'parent sign-in (individual AUTH key), same body as /v1/auth/login',
        responses: { '200': { description: '{ token, expiresAt, actor }' }, ...errors },
      },
    },
    '/v1/auth/logout': {
      post: {
        summary: 'revoke the session',
        security: bearer,
        responses: { '204': { description: 'done' } },
      },
    },
    '/v1/auth/me': {
      get: {
        summary: 'the session actor',
        security: bearer,
        responses: { '200': { description: '{ actor }' }, ...errors },
      },
    },
    '/v1/commands': {
      post: {
        summary:
          'a batch of staff commands; each answered accepted / rejected {code, params} / retry',
        security: bearer,
        requestBody: { content: { 'application/json': { schema: json(batchSchema) } } },
        responses: {
          '200': { description: '{ answers: [{ id, status, code?, params?, result? }] }' },
          ...errors,
        },
      },
    },
    '/v1/commands/types': {
      get: {
        summary: 'command types, roles and which are legal acts',
        responses: { '200': { description: 'list' } },
      },
    },
    '/v1/changes': {
      get: {
        summary: 'ordered upserts/deletes in the caller scope after `cursor`',
        security: bearer,
        parameters: [
          { name: 'cursor', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: {
          '200': {
            description: '{ changes: [{ cursor, entity, id, op, data, at }], cursor, more }',
          },
          ...errors,
        },
      },
    },
    '/v1/events': {
      get: {
        summary:
          'server-sent events: `changes` {cursor} when the caller scope changed; token in Authorization or ?access_token=',
        security: bearer,
        responses: { '200': { description: 'text/event-stream' } },
      },
    },
    '/v1/yearly/preview': {
      get: {
        summary:
          'dry run of a yearly operation for a region (region-scope clerk or admin): regroup, campaign, pause; counts per birth-year cohort',
        security: bearer,
        parameters: [
          { name: 'kind', in: 'query', required: true, schema: { type: 'string', enum: ['regroup', 'campaign', 'pause'] } },
          { name: 'regionId', in: 'query', required: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: '{ kind, cohorts, ... }' }, '403': { description: 'forbidden' } },
      },
    },
    '/v1/portal/applications': {
      get: {
        summary: "the parent's applications with referrals, vouchers, contracts",
        security: bearer,
        responses: { '200': { description: '{ applications }' } },
      },
    },
    '/v1/portal/vacancies': {
      get: {
        summary: 'bulletin entries matching an application',
        security: bearer,
        parameters: [
          { name: 'applicationId', in: 'query', required: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: '{ vacancies }' } },
      },
    },
  }
  for (const r of PORTAL_ROUTES) {
    paths[r.path.replace(/:(\w+)/g, '{$1}')] = {
      post: {
        summary: `portal command ${r.type}: body = { id (uuid), signature? } + payload fields`,
        security: bearer,
        parameters: [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
          name: m[1],
          in: 'path',
          required: true,
          schema: { type: 'string' },
        })),
        requestBody: {
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.type}` } } },
        },
        responses: {
          '200': { description: 'accepted' },
          '409': { description: 'rejected {code, params}' },
          '503': { description: 'retry' },
          ...errors,
        },
      },
    }
  }
  cached = {
    openapi: '3.1.0',
    info: { title: 'Balabaqsha central store', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: payloads,
    },
    paths,
  }
  return cached
}
