import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  cohortKey,
  effectivePrivilege,
  nextInQueue,
  orderQueue,
  positionOf,
  queuePositions,
  whoMayTake,
  worldOf,
  type Privilege,
  type Queueable,
} from '../../src/core/index'
import { at, makeApp, makeVacancy } from './fixtures'

function q(
  id: string,
  privilege: Privilege,
  minute: number,
  extra: Partial<Queueable> = {},
): Queueable {
  return {
    id,
    queueType: 'general',
    region: 'almaty',
    child: { birthDate: '2021-05-10' },
    registeredAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    privilege,
    privilegeStatus: privilege === 'none' ? 'not_required' : 'pending',
    status: 'in_queue',
    ...extra,
  }
}

describe('queue order (Q)', () => {
  it.each([
    [
      'Q-1 out-of-turn first, by time',
      [q('g1', 'none', 1), q('o2', 'out_of_turn', 5), q('o1', 'out_of_turn', 3)],
      ['o1', 'o2', 'g1'],
    ],
    [
      'Q-2 1 first-priority for every 3 general',
      [
        q('g1', 'none', 1),
        q('g2', 'none', 2),
        q('g3', 'none', 3),
        q('g4', 'none', 4),
        q('g5', 'none', 5),
        q('g6', 'none', 6),
        q('p1', 'first_priority', 10),
        q('p2', 'first_priority', 11),
      ],
      ['p1', 'g1', 'g2', 'g3', 'p2', 'g4', 'g5', 'g6'],
    ],
    [
      'Q-3 when general runs out, first-priority continue',
      [q('g1', 'none', 1), q('p1', 'first_priority', 2), q('p2', 'first_priority', 3)],
      ['p1', 'g1', 'p2'],
    ],
    ['Q-4 registration time ties break on id', [q('b', 'none', 1), q('a', 'none', 1)], ['a', 'b']],
    [
      'Q-5 a rejected privilege counts as none at its original time',
      [q('g1', 'none', 5), { ...q('x', 'out_of_turn', 1), privilegeStatus: 'rejected' }],
      ['x', 'g1'],
    ],
  ] as const)('%s', (_r, items, expected) => {
    expect(orderQueue(items as readonly Queueable[]).map((a) => a.id)).toEqual(expected)
  })

  it('Q-8 registration times with an offset order the same as UTC ones', () => {
    const items = [
      q('late', 'none', 0, { registeredAt: '2026-01-01T10:00:00+05:00' }), // 05:00Z
      q('early', 'none', 0, { registeredAt: '2026-01-01T04:59:59.999Z' }),
      q('mid', 'none', 0, { registeredAt: '2026-01-01T05:00:00.001Z' }),
    ]
    expect(orderQueue(items).map((a) => a.id)).toEqual(['early', 'late', 'mid'])
    expect(queuePositions(items).get('mid')?.overall).toBe(3)
  })

  it('Q-6 an interrupted cycle continues with cycleStart', () => {
    const items = [q('g1', 'none', 1), q('g2', 'none', 2), q('p1', 'first_priority', 3)]
    expect(orderQueue(items, 2).map((a) => a.id)).toEqual(['g1', 'g2', 'p1'])
    expect(orderQueue(items, 3).map((a) => a.id)).toEqual(['g1', 'p1', 'g2'])
  })

  it('Q-7 positions per cohort: overall and within privilege category (0 without privilege, seed 000)', () => {
    const items = [
      q('g1', 'none', 1),
      q('o1', 'out_of_turn', 9),
      q('p1', 'first_priority', 8),
      q('g2', 'none', 2),
      q('other-year', 'none', 0, { child: { birthDate: '2020-01-01' } }),
      q('sanat', 'none', 0, { queueType: 'sanatorium' }),
      q('gone', 'none', 0, { status: 'removed' }),
    ]
    const pos = queuePositions(items)
    expect(pos.get('o1')).toEqual({
      cohort: 'general|almaty|2021',
      overall: 1,
      inCategory: 1,
      privilege: 'out_of_turn',
    })
    expect(pos.get('p1')).toMatchObject({ overall: 2, inCategory: 1 })
    expect(pos.get('g1')).toMatchObject({ overall: 3, inCategory: 0 })
    expect(pos.get('g2')).toMatchObject({ overall: 4, inCategory: 0 })
    expect(pos.get('other-year')).toMatchObject({ overall: 1, cohort: 'general|almaty|2020' })
    expect(pos.get('sanat')).toMatchObject({ overall: 1, cohort: 'sanatorium|almaty|2021' })
    expect(pos.has('gone')).toBe(false)
    expect(positionOf(items[3]!, items)?.overall).toBe(4)
    expect(cohortKey(items[0]!)).toBe('general|almaty|2021')
    expect(effectivePrivilege({ privilege: 'first_priority', privilegeStatus: 'rejected' })).toBe(
      'none',
    )
  })
})

const cohortArb = fc
  .array(
    fc.record({
      privilege: fc.constantFrom<Privilege>(
        'none',
        'none',
        'none',
        'first_priority',
        'out_of_turn',
      ),
      minute: fc.integer({ min: 0, max: 500 }),
    }),
    { maxLength: 80 },
  )
  .map((rows) => rows.map((r, i) => q(`a${String(i).padStart(3, '0')}`, r.privilege, r.minute)))

describe('queue properties (fast-check)', () => {
  it('Q-P1 total: every application appears exactly once', () => {
    fc.assert(
      fc.property(cohortArb, (items) => {
        const out = orderQueue(items)
        expect(out.length).toBe(items.length)
        expect(new Set(out.map((a) => a.id)).size).toBe(items.length)
      }),
    )
  })
  it('Q-P2 stable: the input order does not matter', () => {
    fc.assert(
      fc.property(cohortArb, fc.integer(), (items, seed) => {
        const shuffled = [...items].sort(
          (a, b) => ((a.id.charCodeAt(3) * seed) % 7) - ((b.id.charCodeAt(3) * seed) % 7),
        )
        expect(orderQueue(shuffled).map((a) => a.id)).toEqual(orderQueue(items).map((a) => a.id))
      }),
    )
  })
  it('Q-P3 out-of-turn first; each category in registration order; the 1:3 interleave holds', () => {
    fc.assert(
      fc.property(cohortArb, (items) => {
        const out = orderQueue(items)
        const nOot = items.filter((a) => a.privilege === 'out_of_turn').length
        expect(out.slice(0, nOot).every((a) => a.privilege === 'out_of_turn')).toBe(true)
        for (const p of ['out_of_turn', 'first_priority', 'none'] as const) {
          const seq = out.filter((a) => a.privilege === p).map((a) => Date.parse(a.registeredAt))
          expect(seq).toEqual([...seq].sort((x, y) => x - y))
        }
        const rest = out.slice(nOot)
        const nFp = rest.filter((a) => a.privilege === 'first_priority').length
        const nGen = rest.length - nFp
        // while both kinds remain, every block of 4 is [P, G, G, G]
        let fp = 0
        let gen = 0
        for (let k = 0; k < rest.length; k++) {
          const isP = rest[k]!.privilege === 'first_priority'
          if (fp < nFp && gen < nGen) expect(isP).toBe(k % 4 === 0)
          if (isP) fp++
          else gen++
        }
      }),
    )
  })
})

/** Reference: the rules written plainly (comparator sorts, no packing). */
function referenceOrder(items: Queueable[]): string[] {
  const by = (a: Queueable, b: Queueable) =>
    Date.parse(a.registeredAt) - Date.parse(b.registeredAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const oot = items.filter((a) => effectivePrivilege(a) === 'out_of_turn').sort(by)
  const fp = items.filter((a) => effectivePrivilege(a) === 'first_priority').sort(by)
  const gen = items.filter((a) => effectivePrivilege(a) === 'none').sort(by)
  const out = oot.map((a) => a.id)
  for (let slot = 0; fp.length + gen.length > 0; slot = (slot + 1) % 4) {
    const next = (slot === 0 && fp.length > 0) || gen.length === 0 ? fp.shift()! : gen.shift()!
    out.push(next.id)
  }
  return out
}

describe('queue order against a plain reference (fast-check)', () => {
  it('Q-P4 large cohorts (native 64-bit key sort) order exactly as the rules say, ties by id', () => {
    const big = fc
      .array(
        fc.record({
          privilege: fc.constantFrom<Privilege>(
            'none',
            'none',
            'none',
            'first_priority',
            'out_of_turn',
          ),
          minute: fc.integer({ min: 0, max: 40 }),
          id: fc.integer({ min: 0, max: 1_000_000 }),
        }),
        { minLength: 64, maxLength: 600 },
      )
      .map((rows) => {
        const seen = new Set<number>()
        return rows
          .filter((r) => !seen.has(r.id) && seen.add(r.id))
          .map((r) => q(`x${r.id}`, r.privilege, r.minute))
      })
    fc.assert(
      fc.property(big, (items) => {
        expect(orderQueue(items).map((a) => a.id)).toEqual(referenceOrder(items))
        expect(orderQueue([...items].reverse()).map((a) => a.id)).toEqual(referenceOrder(items))
      }),
      { numRuns: 60 },
    )
  })
  it('Q-P5 times the 64-bit key cannot hold (before 1970) fall back to the comparator, same order', () => {
    const items = Array.from({ length: 70 }, (_, i) =>
      q(`old${i}`, i % 5 === 0 ? 'first_priority' : 'none', 0, {
        registeredAt: new Date(Date.UTC(1965, 0, 1, 0, (i * 7) % 30)).toISOString(),
      }),
    )
    expect(orderQueue(items).map((a) => a.id)).toEqual(referenceOrder(items))
  })
})

describe('who may take a vacancy (Q-W)', () => {
  const now = at('2026-03-03 10:00')
  const a1 = makeApp({ id: 'w1', registeredAt: at('2026-01-01 09:00') })
  const a2 = makeApp({ id: 'w2', registeredAt: at('2026-01-02 09:00') })
  const a3 = makeApp({ id: 'w3', registeredAt: at('2026-01-03 09:00') })
  const wrongLang = makeApp({ id: 'w4', registeredAt: at('2025-12-01 09:00'), languages: ['kk'] })
  const enrolled = makeApp({ id: 'w5', registeredAt: at('2025-12-01 09:00') })
  const world = worldOf({
    applications: [a1, a2, a3, wrongLang, enrolled],
    enrolments: [
      {
        id: 'e',
        childIin: enrolled.child.iin,
        applicationId: null,
        kindergartenId: 'k',
        kindergartenName: 'K',
        groupId: null,
        enrolledOn: '2025-09-01',
        status: 'enrolled',
      },
    ],
  })
  it.each([
    ['Q-W1 scheduled: nobody', { phase: 'scheduled' as const }, 'nobody', []],
    [
      'Q-W2 open to the queue: the first free-places fitting, unblocked',
      { phase: 'open_to_queue' as const, freePlaces: 2 },
      'queue',
      ['w1', 'w2'],
    ],
    [
      'Q-W3 open to all: everyone fitting',
      { phase: 'open_to_all' as const },
      'everyone',
      ['w1', 'w2', 'w3'],
    ],
    ['Q-W4 filled: nobody', { phase: 'filled' as const, freePlaces: 0 }, 'nobody', []],
    ['Q-W5 withdrawn: nobody', { phase: 'withdrawn' as const }, 'nobody', []],
    [
      'Q-W6 before bidsFrom: nobody',
      { phase: 'open_to_all' as const, bidsFrom: at('2026-03-04 09:00') },
      'nobody',
      [],
    ],
  ])('%s', (_r, patch, mode, ids) => {
    const vac = makeVacancy({ language: 'ru', ...patch })
    expect(whoMayTake(vac, world, now)).toEqual({ mode, applicationIds: ids })
  })
  it('Q-W7 next in queue skips blocked applications (they keep their number)', () => {
    expect(
      nextInQueue(world, { queueType: 'general', region: 'almaty', birthYear: 2021 }, now),
    ).toEqual(['w4', 'w1', 'w2', 'w3'])
    expect(
      nextInQueue(world, { queueType: 'general', region: 'almaty', birthYear: 2021 }, now, 1),
    ).toEqual(['w4'])
  })
})
