/**
 * Groups and places of the signed-in user's kindergarten, on the local mirror. Changing a
 * group's capacity is a user action: a command in the outbox with its optimistic effect,
 * committed together; the central store has the last word.
 */
import { AppError } from '../../core/result'
import type { GroupRow } from '../api/contract'
import type { BackendContext, Handler } from '../backend'

interface ServerGroup {
  id: string
  kindergarten_id: string
  name: string
  age_group: string | null
  language: string | null
  birth_years: number[] | null
  capacity: number
  enrolled: number
}

function toGroup(data: string, pending: number): GroupRow {
  const g = JSON.parse(data) as ServerGroup
  return {
    id: g.id,
    kindergartenId: g.kindergarten_id,
    name: g.name,
    ageGroup: g.age_group,
    language: g.language,
    birthYears: g.birth_years ?? [],
    capacity: g.capacity,
    enrolled: g.enrolled,
    pending: pending === 1,
  }
}

function requireStaff(ctx: BackendContext): string {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role !== 'kindergarten_staff' || !s.actor.kindergartenId) throw new AppError('forbidden_command', { type: 'group' })
  return s.actor.kindergartenId
}

export const listGroups: Handler<'groups.list'> = async (_args, ctx) => {
  const kg = requireStaff(ctx)
  const rows = ctx.sqlite
    .prepare("SELECT data, pending FROM rows WHERE entity = 'group' AND json_extract(data, '$.kindergarten_id') = ? ORDER BY json_extract(data, '$.name')")
    .all(kg) as Array<{ data: string; pending: number }>
  return rows.map((r) => toGroup(r.data, r.pending))
}

export const setGroupCapacity: Handler<'groups.setCapacity'> = async (args, ctx) => {
  const kg = requireStaff(ctx)
  const row = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'group' AND id = ?").get(args.groupId) as { data: string } | undefined
  if (!row) throw new AppError('not_found', { what: 'group', id: args.groupId })
  const data = JSON.parse(row.data) as ServerGroup & Record<string, unknown>
  if (data.kindergarten_id !== kg) throw new AppError('forbidden_object')
  if (args.capacity < data.enrolled) throw new AppError('capacity_below_occupied', { occupied: data.enrolled })
  const { id } = ctx.session.enqueue('group.set_capacity', { groupId: args.groupId, capacity: args.capacity }, [
    { entity: 'group', id: args.groupId, data: { ...data, capacity: args.capacity } },
  ])
  return { commandId: id }
}
