/**
 * The working-day calendar on the workstation: the one the central store sends (entity
 * `calendar`, row 'kz'), or the data shipped with src/core until one arrives. An
 * administrator edits the government day swaps; each edit sends the whole calendar as a
 * `calendar.set` command through the outbox (optimistic: the page shows it at once).
 */
import { randomUUID } from 'node:crypto'
import { calendarFromData, defaultCalendarData, holidaysOf, parseCalendarData, type Calendar, type CalendarData } from '../../core/calendar'
import { AppError } from '../../core/result'
import type { CalendarView } from '../api/contract'
import type { BackendContext, Handler } from '../backend'

/** The working-day calendar in use, read from a mirror database (documents, exports). */
export function mirrorCalendar(sqlite: BackendContext['sqlite']): Calendar {
  return calendarFromData(readCalendar(sqlite).data)
}

function current(ctx: BackendContext): { data: CalendarData; source: 'store' | 'shipped'; updatedAt: string | null; pending: boolean } {
  return readCalendar(ctx.sqlite)
}

function readCalendar(sqlite: BackendContext['sqlite']): { data: CalendarData; source: 'store' | 'shipped'; updatedAt: string | null; pending: boolean } {
  const r = sqlite.prepare("SELECT data, pending FROM rows WHERE entity = 'calendar' AND id = 'kz'").get() as { data: string; pending: number } | undefined
  if (r) {
    const row = JSON.parse(r.data) as { data: unknown; updated_at?: string }
    try {
      return { data: parseCalendarData(row.data), source: 'store', updatedAt: row.updated_at ?? null, pending: r.pending === 1 }
    } catch {
      // a calendar this version cannot read: keep the shipped one
    }
  }
  return { data: parseCalendarData(defaultCalendarData), source: 'shipped', updatedAt: null, pending: false }
}

export const getCalendar: Handler<'calendar.get'> = async (args, ctx) => {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const c = current(ctx)
  const cal = calendarFromData(c.data)
  const view: CalendarView = {
    year: args.year,
    version: c.data.version,
    source: c.source,
    updatedAt: c.updatedAt,
    days: holidaysOf(cal, args.year).map((d) => ({ date: d.date, id: d.id, kk: d.kk, ru: d.ru, kind: d.kind, estimated: d.estimated === true })),
    swaps: c.data.swaps.filter((w) => w.workday.startsWith(String(args.year)) || w.dayOff.startsWith(String(args.year))).map((w) => ({ workday: w.workday, dayOff: w.dayOff, source: w.source ?? null })),
    publicationPause: c.data.publicationPause ?? null,
    canEdit: s.actor.role === 'admin',
    pending: c.pending,
  }
  return view
}

function requireAdmin(ctx: BackendContext): void {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role !== 'admin') throw new AppError('forbidden_command', { type: 'calendar.set' })
}

function send(ctx: BackendContext, data: CalendarData): { commandId: string } {
  // validate before queueing: a refused calendar would only come back as a sync problem
  const checked = parseCalendarData(data)
  const id = randomUUID()
  const now = new Date().toISOString()
  const r = ctx.session.enqueue('calendar.set', { data: checked }, [{ entity: 'calendar', id: 'kz', data: { id: 'kz', data: checked, updated_at: now } }], null, id)
  return { commandId: r.id }
}

export const addSwap: Handler<'calendar.addSwap'> = async (args, ctx) => {
  requireAdmin(ctx)
  const { data } = current(ctx)
  if (args.workday === args.dayOff) throw new AppError('calendar_invalid', { details: 'workday = dayOff' })
  if (data.swaps.some((w) => w.workday === args.workday && w.dayOff === args.dayOff)) throw new AppError('already_exists', { what: 'swap', id: `${args.workday}/${args.dayOff}` })
  const swaps = [...data.swaps, { workday: args.workday, dayOff: args.dayOff, source: 'admin' }].sort((a, b) => a.dayOff.localeCompare(b.dayOff))
  return send(ctx, { ...data, version: `${data.version.replace(/\+admin.*$/, '')}+admin.${Date.now()}`, swaps })
}

export const removeSwap: Handler<'calendar.removeSwap'> = async (args, ctx) => {
  requireAdmin(ctx)
  const { data } = current(ctx)
  const swaps = data.swaps.filter((w) => !(w.workday === args.workday && w.dayOff === args.dayOff))
  if (swaps.length === data.swaps.length) throw new AppError('not_found', { what: 'swap', id: `${args.workday}/${args.dayOff}` })
  return send(ctx, { ...data, version: `${data.version.replace(/\+admin.*$/, '')}+admin.${Date.now()}`, swaps })
}
