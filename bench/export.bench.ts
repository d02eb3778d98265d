/**
 * `npm run bench -- export`: Excel export of a 300,000-row queue table (the `queue_list`
 * table: number, child, birth date, queue type, district, language, privilege,
 * registration time, status) from a workstation profile's SQLite mirror.
 *
 * Ours: the workstation's export (worker thread, exceljs streaming writer, title block,
 * bold frozen header, autofilter, widths, Excel dates and numbers, Kazakh words, temp file
 * renamed when complete), started the way the UI starts it. Baseline: exceljs's bare
 * streaming writer (`addRow(values).commit()` in a loop, no styles) writing the same rows
 * read by the same SQL. Each runs in its own child process, so peak memory (maxRSS) of one
 * does not pollute the other; 2 alternating rounds, best of each.
 * Goal: ours ≤ 1.5 × the baseline's time and ≤ 1.5 × its peak memory, and the backend's
 * thread stays free meanwhile (its event-loop delay is measured while the worker writes).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import ExcelJS from 'exceljs'
import { openLocalDatabase } from '../src/main/db/open'
import { report, rng } from './lib'

const N = 300_000
const ROUNDS = 2
const GOAL = 1.5

const SURNAMES = ['Ахметов', 'Сұлтанова', 'Жұмабеков', 'Кузнецова', 'Исмаилова', 'Нұрланов', 'Оспанова', 'Қасымов']
const GIVEN = ['Әли', 'Айгүл', 'Нұрсұлтан', 'Мария', 'Данияр', 'Аружан', 'Иван', 'Өмір']
const DISTRICTS = ['alatau', 'almaly', 'auezov', 'bostandyk', 'zhetysu', 'medeu', 'nauryzbay', 'turksib']
const QUEUES = ['general', 'general', 'general', 'sanatorium', 'private_state_order', 'special_voucher']

/** A profile whose mirror holds N queued applications, as the store's feed brings them. */
export function makeProfile(dir: string): string {
  const local = openLocalDatabase(join(dir, 'workstation.sqlite'))
  const r = rng(9)
  const put = local.sqlite.prepare('INSERT INTO server_rows (entity, id, data, cursor) VALUES (?, ?, ?, ?)')
  local.sqlite.transaction(() => {
    for (let i = 0; i < N; i++) {
      const year = 2020 + Math.floor(r() * 5)
      const birth = `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`
      const p = r()
      const reg = new Date(Date.UTC(year, 0, 1) + Math.floor(r() * 3 * 365 * 86_400_000)).toISOString().replace('Z', '+00:00')
      const data = {
        id: `A${i}`,
        number: `DDO.${year}.${100000 + i}.1`,
        child_name: `${SURNAMES[Math.floor(r() * 8)]} ${GIVEN[Math.floor(r() * 8)]}`,
        child_birth_date: birth,
        queue_type: QUEUES[Math.floor(r() * QUEUES.length)],
        region_id: 'almaty',
        district_id: DISTRICTS[Math.floor(r() * 8)],
        language: r() < 0.65 ? 'kk' : 'ru',
        birth_year: year,
        registered_at: reg,
        status: 'in_queue',
        privilege: p < 0.08 ? 'first_priority' : p < 0.1 ? 'out_of_turn' : null,
        privilege_status: p < 0.1 ? 'confirmed' : null,
      }
      put.run('application', data.id, JSON.stringify(data), i + 1)
    }
  })()
  local.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  local.sqlite.close()
  return join(dir, 'workstation.sqlite')
}

interface ChildResult {
  ms: number
  maxRssMb: number
  rows: number
  bytes: number
  loopMaxMs?: number
  loopP99Ms?: number
}

/** Child: the workstation's export, started as the UI starts it (worker thread). */
async function childOurs(db: string, out: string): Promise<ChildResult> {
  const { ExportManager } = await import('../src/main/reports/exporter')
  const loop = monitorEventLoopDelay({ resolution: 10 })
  const m = new ExportManager(() => undefined)
  const t0 = performance.now()
  loop.enable()
  const p = m.start({ dbPath: db, id: 'queue_list', filters: {}, lang: 'kk', author: 'Бенчмарк', createdAt: new Date().toISOString() }, out)
  const done = await m.wait(p.exportId)
  loop.disable()
  const ms = performance.now() - t0
  if (done.state !== 'done') throw new Error(`export ${done.state}: ${done.error}`)
  return {
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rows: done.done,
    bytes: statSync(out).size,
    loopMaxMs: loop.max / 1e6,
    loopP99Ms: loop.percentile(99) / 1e6,
  }
}

/** Child: exceljs's bare streaming writer over the same rows, read by the same SQL. */
async function childBare(db: string, out: string): Promise<ChildResult> {
  const Database = (await import('better-sqlite3')).default
  const { reportStatement } = await import('../src/main/reports/local')
  const t0 = performance.now()
  const sqlite = new Database(db, { readonly: true })
  const { stmt, params } = reportStatement(sqlite, 'queue_list', {})
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out })
  const ws = wb.addWorksheet('queue')
  let rows = 0
  for (const r of stmt.iterate(params) as IterableIterator<Record<string, unknown>>) {
    ws.addRow(Object.values(r)).commit()
    rows++
  }
  ws.commit()
  await wb.commit()
  sqlite.close()
  return { ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, rows, bytes: statSync(out).size }
}

function runChild(kind: 'ours' | 'bare', db: string, out: string): ChildResult {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', kind, db, out], { encoding: 'utf8', maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult
}

export async function run(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'bq-bench-export-'))
  try {
    const db = makeProfile(dir)
    const ours: ChildResult[] = []
    const bare: ChildResult[] = []
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(runChild('bare', db, join(dir, `bare-${i}.xlsx`)))
      ours.push(runChild('ours', db, join(dir, `ours-${i}.xlsx`)))
    }
    const best = (a: ChildResult[], k: 'ms' | 'maxRssMb') => Math.min(...a.map((x) => x[k]))
    const o = { ms: best(ours, 'ms'), mb: best(ours, 'maxRssMb') }
    const b = { ms: best(bare, 'ms'), mb: best(bare, 'maxRssMb') }
    if (ours.some((x) => x.rows !== N) || bare.some((x) => x.rows !== N)) throw new Error('row counts differ')
    const timeRatio = o.ms / b.ms
    const memRatio = o.mb / b.mb
    const loopMax = Math.max(...ours.map((x) => x.loopMaxMs ?? 0))
    const loopP99 = Math.max(...ours.map((x) => x.loopP99Ms ?? 0))
    report({
      bench: 'export',
      metric: 'time_300k_rows',
      value: Math.round(o.ms),
      unit: 'ms',
      baseline: { metric: 'bare_exceljs_stream_time', value: Math.round(b.ms), unit: 'ms' },
      ratio: +timeRatio.toFixed(2),
      goal: `<= ${GOAL}x`,
      pass: timeRatio <= GOAL,
      rounds: { ours: ours.map((x) => Math.round(x.ms)), bare: bare.map((x) => Math.round(x.ms)) },
    })
    report({
      bench: 'export',
      metric: 'peak_rss_300k_rows',
      value: Math.round(o.mb),
      unit: 'MB',
      baseline: { metric: 'bare_exceljs_stream_peak_rss', value: Math.round(b.mb), unit: 'MB' },
      ratio: +memRatio.toFixed(2),
      goal: `<= ${GOAL}x`,
      pass: memRatio <= GOAL,
      rounds: { ours: ours.map((x) => Math.round(x.maxRssMb)), bare: bare.map((x) => Math.round(x.maxRssMb)) },
    })
    report({
      bench: 'export',
      metric: 'backend_thread_event_loop_delay',
      value: +loopP99.toFixed(1),
      unit: 'ms (p99)',
      max: +loopMax.toFixed(1),
      goal: 'p99 <= 50 ms (the thread that serves the UI stays free; max is scheduling noise on a busy machine)',
      pass: loopP99 <= 50,
      file_mb: +(ours[0]!.bytes / 1e6).toFixed(1),
      bare_file_mb: +(bare[0]!.bytes / 1e6).toFixed(1),
    })
    return timeRatio <= GOAL && memRatio <= GOAL && loopP99 <= 50
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--child') {
  const [, , , kind, db, out] = process.argv
  const f = kind === 'ours' ? childOurs : childBare
  f(db!, out!).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n')
      process.exit(0)
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exit(1)
    },
  )
}
