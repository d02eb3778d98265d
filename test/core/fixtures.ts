import {
  type Application,
  type Calendar,
  type Command,
  execute,
  formatApplicationNumber,
  kzCalendar,
  makeIin,
  type Transition,
  type Vacancy,
  type World,
  worldOf,
} from '../../src/core/index'

export const cal: Calendar = kzCalendar

/** Almaty local time 'YYYY-MM-DD HH:mm[:ss.SSS]' (UTC+5 since 2024-03-01) → ISO UTC. */
export function at(local: string): string {
  const [d, t = '00:00'] = local.split(' ')
  const offset = d! < '2024-03-01' ? '+06:00' : '+05:00'
  const withSec = t.length === 5 ? `${t}:00` : t
  return new Date(`${d}T${withSec}${offset}`).toISOString()
}

let seq = 0
export function nextId(prefix: string): string {
  seq++
  return `${prefix}-${seq}`
}

export function makeApp(o: Partial<Application> & { birthDate?: string } = {}): Application {
  const id = o.id ?? nextId('app')
  const birthDate = o.birthDate ?? o.child?.birthDate ?? '2021-05-10'
  const serial = (Number(id.replace(/\D/g, '')) || 1) % 9000
  const queueType = o.queueType ?? 'general'
  const base: Application = {
    id,
    number: formatApplicationNumber({ queueType, year: 2026, serial: serial + 1, n: 1 }),
    queueType,
    region: 'almaty',
    locality: 'Almaty',
    languages: ['kk', 'ru'],
    child: {
      iin: makeIin(birthDate, 'female', serial),
      birthDate,
      fullName: 'КАМЕНОВА ДАНИЯ ЕРМЕКОВНА',
    },
    applicantIin: makeIin('1994-02-25', 'male', serial),
    registeredAt: at('2026-01-10 10:00'),
    privilege: 'none',
    privilegeStatus: 'not_required',
    privilegeDocuments: [],
    status: 'in_queue',
    statusChangedAt: at('2026-01-10 10:00'),
    lapses: 0,
  }
  const { birthDate: _b, ...rest } = o
  return { ...base, ...rest }
}

export function makeVacancy(o: Partial<Vacancy> = {}): Vacancy {
  return {
    id: o.id ?? nextId('vac'),
    queueType: 'general',
    region: 'almaty',
    locality: 'Almaty',
    kindergartenId: 'kg-1',
    kindergartenName: 'ЖМ "Амина балабақшасы"',
    groupId: 'g-1',
    groupName: 'Солнце',
    groupType: 'day',
    ageGroup: 'first_junior',
    language: 'ru',
    birthYears: [2021],
    totalPlaces: 2,
    freePlaces: 2,
    placeType: 'regular',
    releaseDate: '2026-03-02',
    publishedOn: '2026-03-02',
    bidsFrom: at('2026-03-02 09:00'),
    phase: 'open_to_all',
    queueWindowEndsAt: null,
    publishedBy: 'Дүйсенова Молдір Умаровна',
    ...o,
  }
}

/** Run a command as the system would (no actor check) and fail the test on a violation. */
export function run(
  world: World,
  cmd: Omit<Command, 'actor'> | { type: string; payload: unknown },
  now: string,
): World {
  const r = execute(world, cmd as Command, now, cal)
  if (!r.ok) throw new Error(`${cmd.type} refused: ${JSON.stringify(r.error)}`)
  return r.value.state
}

export function tryRun(
  world: World,
  cmd: { type: string; payload: unknown },
  now: string,
): Transition {
  return execute(world, cmd as Command, now, cal)
}

export function codeOf(r: Transition): string | null {
  return r.ok ? null : r.error.code
}

export { worldOf }
