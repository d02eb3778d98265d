/**
 * The central store: `createServer(...)` builds the Fastify app over PGlite or PostgreSQL.
 * Instances are stateless between requests: sessions, command answers, rate limits,
 * cursors, timers and the outbox all live in PostgreSQL, so several instances can serve
 * one database; LISTEN/NOTIFY lets any instance wake any subscriber.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { z } from 'zod'
import { attachmentRoutes } from './attachments'
import {
  authenticate,
  login,
  logout,
  newChallenge,
  rateLimit,
  SessionCache,
  type Actor,
} from './auth'
import { loadCalendar, type CalendarData } from './calendar'
import { systemClock, type Clock } from './clock'
import {
  batchSchema,
  commandDefs,
  executeBatch,
  type Answer,
  type EngineDeps,
} from './commands/engine'
import { openDatabase, type Database, type DbConfig } from './db/database'
import type { EdsAdapter } from './eds-adapter'
import { edsAdapter, type EdsOptions } from './eds-default'
import { HttpError, parseOr400 } from './errors'
import { readChanges, readChangesLines, MAX_PAGE, MAX_TEXT_PAGE } from './feed'
import { buildOpenApi } from './openapi'
import { deliverDue, logFileAdapter, type DeliveryAdapter } from './outbox'
import { portalRoutes } from './portal-routes'
import { KgDirectory, pokeConcerns } from './scope'
import { sweep, type SweepResult } from './sweeper'
import { CHANGES_CHANNEL, sequence, sequencerIdle } from './work'
import { yearlyPreview } from './yearly'

export interface ServerOptions {
  db: DbConfig
  clock?: Clock
  /** signature verification: an adapter, or options for the src/eds one */
  eds?: EdsAdapter
  trust?: EdsOptions
  /** sweeper period, ms (default 60 000; 0 = only on demand) */
  sweepEveryMs?: number
  /** outbox delivery period, ms (default 5 000; 0 = only on demand) */
  deliverEveryMs?: number
  delivery?: DeliveryAdapter
  /** sign-in attempts per client address per minute (default 30) */
  loginRateLimit?: number
  logger?: boolean
  bodyLimit?: number
  onError?: (err: unknown) => void
}

export interface StoreServer {
  app: FastifyInstance
  database: Database
  listen(port: number, host?: string): Promise<string>
  close(): Promise<void>
  sweep(): Promise<SweepResult>
  deliverNotifications(): Promise<{ sent: number; failed: number }>
}

const cursorQuery = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_TEXT_PAGE).default(500),
  /** json: rows as objects (pages up to MAX_PAGE); lines: one line per row, data as JSON text (up to MAX_TEXT_PAGE) */
  format: z.enum(['json', 'lines']).default('json'),
})
const loginBody = z.object({
  nonce: z.string().min(16).max(100),
  cms: z.string().min(16).max(64_000),
})

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization
  if (h && h.startsWith('Bearer ')) return h.slice(7).trim()
  const q = (req.query as Record<string, unknown> | undefined)?.['access_token']
  return typeof q === 'string' ? q : undefined
}

export async function createServer(opts: ServerOptions): Promise<StoreServer> {
  const clock = opts.clock ?? systemClock
  const database = await openDatabase(opts.db)
  const { db } = database
  let eds = opts.eds
  if (!eds) {
    if (!opts.trust) throw new Error('createServer needs `eds` or `trust`')
    eds = edsAdapter(opts.trust)
  }
  const kgs = new KgDirectory()
  let cal: { at: number; data: CalendarData } | null = null
  const calendar = async (): Promise<CalendarData> => {
    if (!cal || Date.now() - cal.at > 60_000) cal = { at: Date.now(), data: await loadCalendar(db) }
    return cal.data
  }
  const onError = opts.onError ?? (() => {})
  const deps: EngineDeps = { db, eds, kgs, calendar, onError }
  const delivery =
    opts.delivery ?? logFileAdapter(process.env['BQ_NOTIFY_LOG'] ?? 'notifications.log')

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: false,
    forceCloseConnections: true,
  })

  // the API speaks JSON only
  app.removeContentTypeParser('text/plain')

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof HttpError) return reply.status(err.status).send(err.body())
    const e = err as { statusCode?: number; code?: string }
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.status(413).send({ code: 'payload_too_large' })
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.status(415).send({ code: 'unsupported_media_type' })
    if (e.statusCode === 400) return reply.status(400).send({ code: 'invalid_json' })
    onError(err)
    // never a stack trace or a value from the request
    return reply.status(500).send({ code: 'internal' })
  })
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ code: 'not_found_route' }))

  const actorOf = (req: FastifyRequest): Promise<Actor> =>
    authenticate(db, bearer(req), clock.now())
  const staffOf = async (req: FastifyRequest): Promise<Actor> => {
    const a = await actorOf(req)
    if (a.kind !== 'staff') throw new HttpError(403, 'forbidden_command', { type: 'staff' })
    return a
  }
  // command requests: the actor from memory, the session rechecked in the transaction
  const sessions = new SessionCache()
  const commandActorOf = (req: FastifyRequest) => sessions.resolve(db, bearer(req), clock.now())

  app.get('/v1/health', async () => ({ ok: true, db: database.kind }))
  app.get('/v1/openapi.json', async () => buildOpenApi())

  app.post('/v1/auth/challenge', async (req) => {
    await rateLimit(db, `challenge:${req.ip}`, (opts.loginRateLimit ?? 30) * 2, 60_000, clock.now())
    return newChallenge(db, clock.now())
  })
  const doLogin = (kind: 'staff' | 'parent') => async (req: FastifyRequest) => {
    await rateLimit(db, `login:${req.ip}`, opts.loginRateLimit ?? 30, 60_000, clock.now())
    const body = parseOr400(loginBody, req.body)
    const s = await login(db, eds, clock.now(), body, kind)
    return { token: s.token, expiresAt: s.expiresAt, actor: s.actor }
  }
  app.post('/v1/auth/login', doLogin('staff'))
  app.post('/v1/portal/auth/login', doLogin('parent'))
  app.post('/v1/auth/logout', async (req, reply) => {
    const t = bearer(req)
    sessions.forget(t)
    if (t) await logout(db, t, clock.now())
    return reply.status(204).send()
  })
  app.get('/v1/auth/me', async (req) => ({ actor: await actorOf(req) }))

  app.post('/v1/commands', async (req) => {
    const { actor, recheck } = await commandActorOf(req)
    if (actor.kind !== 'staff') throw new HttpError(403, 'forbidden_command', { type: 'staff' })
    const body = parseOr400(batchSchema, req.body)
    try {
      const answers: Answer[] = await executeBatch(deps, actor, body.commands, clock.now(), {
        recheck,
      })
      return { answers }
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) sessions.forget(bearer(req))
      throw e
    }
  })
  app.get('/v1/commands/types', async () => ({
    types: [...commandDefs.values()].map((d) => ({
      type: d.type,
      roles: d.roles,
      legalAct: d.legalAct,
    })),
  }))

  app.get('/v1/changes', async (req, reply) => {
    const actor = await actorOf(req)
    const q = parseOr400(cursorQuery, req.query)
    // rows committed before this request get their cursors first (work.ts)
    await sequence(db)
    if (q.format === 'lines') {
      const page = await readChangesLines(db, actor, q.cursor, q.limit)
      return reply
        .header('x-bq-cursor', String(page.cursor))
        .header('x-bq-more', page.more ? '1' : '0')
        .type('text/plain; charset=utf-8')
        .send(page.body)
    }
    return readChanges(db, actor, q.cursor, Math.min(q.limit, MAX_PAGE))
  })

  // server-sent events: a poke whenever the caller's scope changed (any instance)
  const subscribers = new Set<{ actor: Actor; send: (cursor: number) => void }>()
  const unlisten = await database.listen(CHANGES_CHANNEL, (payload) => {
    let poke: { c?: number; all?: boolean; k?: string[]; r?: string[] }
    try {
      poke = JSON.parse(payload)
    } catch {
      return
    }
    for (const s of subscribers) if (pokeConcerns(s.actor, poke)) s.send(poke.c ?? 0)
  })
  app.get('/v1/events', async (req: FastifyRequest, reply: FastifyReply) => {
    const actor = await actorOf(req)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    })
    res.write(`event: hello\ndata: {}\n\n`)
    const sub = {
      actor,
      send: (cursor: number) =>
        res.write(`event: changes\ndata: ${JSON.stringify({ cursor })}\n\n`),
    }
    subscribers.add(sub)
    // keep proxies open, and end the stream once the session is no longer valid
    const beat = setInterval(() => {
      authenticate(db, bearer(req), clock.now()).then(
        () => res.write(': keep-alive\n\n'),
        () => res.end(),
      )
    }, 25_000)
    req.raw.on('close', () => {
      clearInterval(beat)
      subscribers.delete(sub)
    })
  })

  /** The dry run of a yearly operation (region-scope clerk or admin): what a run now would do. */
  app.get('/v1/yearly/preview', async (req) => {
    const a = await staffOf(req)
    const q = parseOr400(
      z.object({ kind: z.enum(['regroup', 'campaign', 'pause']), regionId: z.string().min(1).max(64) }),
      req.query,
    )
    if (a.role !== 'clerk' && a.role !== 'admin') throw new HttpError(403, 'forbidden_command', { type: 'yearly' })
    if (a.role === 'clerk' && (a.districtId || a.regionId !== q.regionId)) throw new HttpError(403, 'forbidden_object')
    return yearlyPreview(db, q.kind, q.regionId, clock.now())
  })

  portalRoutes(app, { deps, clock, db, actorOf, commandActorOf, forget: (req) => sessions.forget(bearer(req)) })
  attachmentRoutes(app, { db, clock, actorOf })

  const doSweep = async (): Promise<SweepResult> => {
    // rows of a writer that died between its commit and sequencing get their cursors here
    await sequence(db)
    return sweep(db, clock.now(), await calendar(), kgs)
  }
  const doDeliver = () => deliverDue(db, delivery, clock.now())
  const timers: NodeJS.Timeout[] = []
  const every = (ms: number, fn: () => Promise<unknown>) => {
    let busy = false
    const t = setInterval(() => {
      if (busy) return
      busy = true
      fn()
        .catch(onError)
        .finally(() => (busy = false))
    }, ms)
    t.unref()
    timers.push(t)
  }
  if ((opts.sweepEveryMs ?? 60_000) > 0) every(opts.sweepEveryMs ?? 60_000, doSweep)
  if ((opts.deliverEveryMs ?? 5_000) > 0) every(opts.deliverEveryMs ?? 5_000, doDeliver)

  let closed = false
  return {
    app,
    database,
    async listen(port, host = '127.0.0.1') {
      return app.listen({ port, host })
    },
    async close() {
      if (closed) return
      closed = true
      for (const t of timers) clearInterval(t)
      for (const s of subscribers) subscribers.delete(s)
      await app.close()
      await unlisten()
      await sequencerIdle(db)
      await database.close()
    },
    sweep: doSweep,
    deliverNotifications: doDeliver,
  }
}
