/**
 * A clerk's workstation with a very large queue, without a central store: a web host over
 * a fresh profile whose mirror holds `n` generated application rows of one region (as a
 * pull would have stored them), and the demo clerk signed in offline (known on this PC,
 * the store unreachable). Used by the queue-ui benchmark and the clerk end-to-end test.
 */
import { makeIin } from '../../src/core/iin'
import { prng } from '../../src/server/demo/city'
import { scopeKey } from '../../src/main/sync/session'
import type { StoreActor } from '../../src/main/api/contract'
import { ensureDemoPki, type DemoPki } from './demo-pki'
import { startTestHost, type RunningHost } from './web-host'

const SURNAMES = ['Ахметов', 'Сейткали', 'Иванов', 'Нұрланов', 'Петров', 'Жұмабеков', 'Ким', 'Әбенов', 'Оспанов', 'Смағұлов']
const GIVEN = ['Әли', 'Айгерім', 'Данияр', 'Мария', 'Нұрсұлтан', 'Алина', 'Тимур', 'Жансая', 'Арман', 'София']
const STATUSES = ['in_queue', 'in_queue', 'in_queue', 'in_queue', 'in_queue', 'notified', 'referral_issued', 'enrolled', 'removed', 'awaiting_review']
const QUEUES = ['general', 'general', 'general', 'general', 'sanatorium', 'private_state_order', 'special_voucher']
const DISTRICTS = ['alatau', 'almaly', 'auezov', 'bostandyk', 'zhetysu', 'medeu', 'nauryzbay', 'turksib']

/** One application row as the store's feed carries it (see emitApplication). */
export function generatedApplication(i: number, rnd: () => number, now = Date.now()): Record<string, unknown> {
  const year = 2019 + Math.floor(rnd() * 6)
  const birth = `${year}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`
  const queue = QUEUES[Math.floor(rnd() * QUEUES.length)]!
  const status = queue === 'special_voucher' ? STATUSES[Math.floor(rnd() * STATUSES.length)]! : STATUSES[Math.floor(rnd() * 9)]!
  const p = rnd()
  const privilege = p < 0.03 ? 'out_of_turn' : p < 0.12 ? 'first_priority' : null
  const registered = new Date(Date.parse(`${birth}T00:00:00Z`) + Math.floor(rnd() * Math.max(86_400_000, now - Date.parse(`${birth}T00:00:00Z`))))
  const surname = SURNAMES[Math.floor(rnd() * SURNAMES.length)]!
  return {
    id: `B${String(i).padStart(7, '0')}`,
    number: `DDO.${registered.getUTCFullYear()}.${String(100000 + i)}.1`,
    queue_type: queue,
    region_id: 'almaty',
    district_id: DISTRICTS[i % DISTRICTS.length],
    language: rnd() < 0.6 ? 'kk' : 'ru',
    birth_year: year,
    registered_at: registered.toISOString(),
    status,
    privilege,
    privilege_status: privilege ? (rnd() < 0.7 ? 'confirmed' : 'pending') : null,
    correction_type: queue === 'special_voucher' ? 'speech' : null,
    desired_kindergartens: [],
    stop_list_until: null,
    updated_at: registered.toISOString(),
    version: 1,
    child_name: `${surname} ${GIVEN[Math.floor(rnd() * GIVEN.length)]}`,
    child_iin: makeIin(birth, i % 2 ? 'male' : 'female', i % 10_000),
    child_birth_date: birth,
    applicant_name: `${surname} ${GIVEN[Math.floor(rnd() * GIVEN.length)]}`,
    applicant_iin: makeIin('1990-05-05', i % 2 ? 'female' : 'male', i % 10_000),
    applicant_phone: '+7 701 000 0000',
    applicant_email: null,
    privilege_documents: [],
  }
}

export interface BigQueue {
  running: RunningHost
  pki: DemoPki
  rows: number
  /** ms to write the rows into the mirror */
  fillMs: number
  /** ms of the first queue read (builds the index and numbers every cohort) */
  indexMs: number
}

/** A web host signed in as the demo clerk (offline) over a mirror of `n` applications. */
export async function bigQueueHost(n: number): Promise<BigQueue> {
  const pki = await ensureDemoPki()
  const running = await startTestHost({ trustDirs: [pki.ca.trustDir] })
  const b = running.backend
  // the store is unreachable: sign-in falls back to the offline path
  await b.invoke('settings.update', { serverUrl: 'http://127.0.0.1:9' })
  const clerk = pki.person('clerk-saparova')
  const actor: StoreActor = { kind: 'staff', iin: clerk.iin, fullName: clerk.displayName, role: 'clerk', kindergartenId: null, regionId: 'almaty', districtId: null }
  const db = b.context.sqlite
  db.prepare('INSERT INTO known_users (iin, actor, certificate_sha256, last_online_at) VALUES (?, ?, ?, ?)').run(actor.iin, JSON.stringify(actor), '-', new Date().toISOString())
  db.prepare("INSERT INTO sync_state (key, value) VALUES ('scope', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(scopeKey(actor))
  const t0 = performance.now()
  const put = db.prepare("INSERT INTO server_rows (entity, id, data, cursor) VALUES ('application', ?, ?, ?)")
  const rnd = prng(300)
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const row = generatedApplication(i, rnd)
      put.run(row['id'], JSON.stringify(row), i)
    }
  })()
  db.prepare("INSERT INTO sync_state (key, value) VALUES ('cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(n))
  const fillMs = performance.now() - t0
  const r = await b.invoke('session.signIn', { key: { storage: 'pkcs12', path: pki.file('clerk-saparova', 'auth'), password: pki.password } })
  if (!r.ok) throw new Error(`clerk sign-in: ${JSON.stringify(r.error)}`)
  const t1 = performance.now()
  const q = await b.invoke('office.queue', { filter: {}, offset: 0, limit: 50 })
  if (!q.ok || q.value.total !== n) throw new Error(`queue: ${JSON.stringify(q)}`)
  return { running, pki, rows: n, fillMs, indexMs: performance.now() - t1 }
}

export interface ScrollFrames {
  gaps: number[]
  longFrames: number[]
  rowsRendered: number
}

/**
 * Runs in the page: scroll the queue grid's body for `frames` animation frames, at
 * `pxPerFrame` with a jump to a random place every `jumpEvery` frames (like dragging the
 * scroll bar), and measure each frame with the Performance API: the gaps between
 * requestAnimationFrame timestamps, and long animation frames (PerformanceObserver).
 * With `pxPerFrame` 0 it measures idle frames of the same page (the baseline).
 * Plain JavaScript text: bundlers' helpers must not leak into the page.
 */
const MEASURE_SCROLL_JS = `async (o) => {
  const body = document.querySelector(o.selector)
  if (!body) throw new Error('no ' + o.selector)
  const longFrames = []
  const po = new PerformanceObserver((list) => { for (const e of list.getEntries()) longFrames.push(e.duration) })
  try { po.observe({ type: 'long-animation-frame', buffered: false }) } catch { po.observe({ type: 'longtask', buffered: false }) }
  const gaps = []
  let seed = 7
  const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
  // the scroll range is read once: reading layout in the loop would force a layout per frame
  const max = body.scrollHeight - body.clientHeight
  let top = body.scrollTop
  await new Promise((resolve) => {
    let last = performance.now()
    let n = 0
    const tick = (ts) => {
      gaps.push(ts - last)
      last = ts
      if (o.pxPerFrame > 0) {
        if (o.jumpEvery > 0 && n % o.jumpEvery === o.jumpEvery - 1) top = Math.floor(rand() * max)
        else top = top + o.pxPerFrame >= max ? 0 : top + o.pxPerFrame
        body.scrollTop = top
      }
      if (++n < o.frames) requestAnimationFrame(tick)
      else resolve()
    }
    requestAnimationFrame((ts) => { last = ts; requestAnimationFrame(tick) })
  })
  await new Promise((r) => setTimeout(r, 200))
  po.disconnect()
  return { gaps, longFrames, rowsRendered: body.querySelectorAll('[role="row"]').length }
}`

export function measureScroll(page: { evaluate(script: string): Promise<unknown> }, o: { frames: number; pxPerFrame: number; jumpEvery: number; selector: string }): Promise<ScrollFrames> {
  return page.evaluate(`(${MEASURE_SCROLL_JS})(${JSON.stringify(o)})`) as Promise<ScrollFrames>
}
