/**
 * `npm run bench -- queue`: queue positions (cohorts, out-of-turn first, 1:3 interleave,
 * overall and in-category numbers) for 300,000 applications. Goal: ≤ 1 s. Baseline: a
 * plain sort of the same array by registration time, measured in the same run (both as
 * the median of 5 alternating runs, so a busy shared machine does not decide the result).
 */
import { queuePositions, type Queueable, type Privilege, type QueueType } from '../src/core/index'
import { report, rng, timeIt } from './lib'

const N = 300_000
const GOAL_MS = 1000
const ROUNDS = 5

function makeApplications(n: number): Queueable[] {
  const r = rng(20260322)
  const regions = [
    'almaty',
    'astana',
    'shymkent',
    'turkistan',
    'karaganda',
    'aktobe',
    'pavlodar',
    'atyrau',
  ]
  const queueTypes: QueueType[] = ['general', 'general', 'general', 'sanatorium', 'special_voucher']
  const start = Date.UTC(2019, 0, 1)
  const span = Date.UTC(2026, 10, 1) - start
  const out: Queueable[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const p = r()
    const privilege: Privilege = p < 0.04 ? 'out_of_turn' : p < 0.2 ? 'first_priority' : 'none'
    const year = 2019 + Math.floor(r() * 7)
    out[i] = {
      id: `app-${i}`,
      queueType: queueTypes[Math.floor(r() * queueTypes.length)]!,
      region: regions[Math.floor(r() * regions.length)]!,
      child: { birthDate: `${year}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}` },
      registeredAt: new Date(start + Math.floor(r() * span)).toISOString(),
      privilege,
      privilegeStatus:
        privilege === 'none' ? 'not_required' : r() < 0.05 ? 'rejected' : 'confirmed',
      status: 'in_queue',
    }
  }
  return out
}

export async function run(): Promise<boolean> {
  const apps = makeApplications(N)
  // warm-up on a slice so both timings measure optimised code
  queuePositions(apps.slice(0, 20_000))
  ;[...apps.slice(0, 20_000)].sort((a, b) =>
    a.registeredAt < b.registeredAt ? -1 : a.registeredAt > b.registeredAt ? 1 : 0,
  )

  const sortTimes: number[] = []
  const posTimes: number[] = []
  let positions = 0
  for (let round = 0; round < ROUNDS; round++) {
    sortTimes.push(
      await timeIt(() => {
        const copy = [...apps]
        copy.sort((a, b) =>
          a.registeredAt < b.registeredAt ? -1 : a.registeredAt > b.registeredAt ? 1 : 0,
        )
      }),
    )
    posTimes.push(
      await timeIt(() => {
        positions = queuePositions(apps).size
      }),
    )
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const value = median(posTimes)
  const sortMedian = median(sortTimes)
  const pass = value <= GOAL_MS && positions === N
  report({
    bench: 'queue',
    metric: 'positions_300k_ms',
    value: Number(value.toFixed(1)),
    unit: 'ms',
    best_ms: Number(Math.min(...posTimes).toFixed(1)),
    worst_ms: Number(Math.max(...posTimes).toFixed(1)),
    applications: N,
    positions,
    baseline: { metric: 'plain_sort_300k_ms', value: Number(sortMedian.toFixed(1)), unit: 'ms' },
    ratio: Number((value / sortMedian).toFixed(2)),
    goal: `positions for ${N} applications <= ${GOAL_MS} ms (median of ${ROUNDS} runs; baseline: median plain sort by registration time)`,
    pass,
  })
  return pass
}
