/**
 * Excel exports off the backend's thread: each export is a worker thread (./export-worker)
 * writing `<target>.part`; the file is renamed to its name only when complete, so a
 * cancelled or failed export leaves nothing that looks finished. Progress goes to the UI
 * as `export.progress` events (and `export.status`), a shared flag cancels.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { ExportProgress } from '../api/contract'
import { packageRoot } from '../paths'
import type { ExportJob } from './xlsx'
import type { WorkerMessage } from './export-worker'

interface Running {
  progress: ExportProgress
  cancel: Int32Array
  worker: Worker | null
  finished: Promise<ExportProgress>
}

/**
 * The worker's script: the built bundle beside this one, or (tests, the benchmark, `bq`
 * from source) the TypeScript source through tsx's CommonJS hook, registered in the
 * worker itself.
 */
export function workerScript(): { code: string; eval: boolean } {
  const built = join(__dirname, 'export-worker.js')
  if (existsSync(built)) return { code: built, eval: false }
  const source = join(packageRoot(), 'src', 'main', 'reports', 'export-worker.ts')
  return { code: `require('tsx/cjs'); require(${JSON.stringify(source)})`, eval: true }
}

export class ExportManager {
  private readonly jobs = new Map<string, Running>()

  constructor(private readonly onProgress: (p: ExportProgress) => void) {}

  start(job: Omit<ExportJob, 'tmpPath'>, target: string): ExportProgress {
    const exportId = randomUUID()
    mkdirSync(dirname(target), { recursive: true })
    const tmpPath = `${target}.${exportId.slice(0, 8)}.part`
    const cancel = new Int32Array(new SharedArrayBuffer(4))
    const progress: ExportProgress = { exportId, state: 'running', done: 0, total: null, path: target, fileName: basename(target), error: null }
    const script = workerScript()
    const worker = new Worker(script.code, { eval: script.eval, workerData: { job: { ...job, tmpPath }, cancel: cancel.buffer } })
    let settle!: (p: ExportProgress) => void
    const running: Running = { progress, cancel, worker, finished: new Promise((r) => (settle = r)) }
    this.jobs.set(exportId, running)
    const update = (patch: Partial<ExportProgress>) => {
      Object.assign(progress, patch)
      this.onProgress({ ...progress })
      if (progress.state !== 'running') {
        running.worker = null
        settle({ ...progress })
      }
    }
    const cleanup = () => rmSync(tmpPath, { force: true })
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') update({ done: m.done, total: m.total })
      else if (m.type === 'done') {
        if (m.cancelled || Atomics.load(cancel, 0) === 1) {
          cleanup()
          update({ state: 'cancelled', done: m.rows })
        } else {
          try {
            renameSync(tmpPath, target)
            update({ state: 'done', done: m.rows, total: m.rows })
          } catch (err) {
            cleanup()
            update({ state: 'failed', error: err instanceof Error ? err.message : String(err) })
          }
        }
      } else {
        cleanup()
        update({ state: 'failed', error: m.message })
      }
    })
    worker.on('error', (err) => {
      cleanup()
      if (progress.state === 'running') update({ state: 'failed', error: err.message })
    })
    worker.on('exit', () => {
      if (progress.state === 'running') {
        cleanup()
        update({ state: Atomics.load(cancel, 0) === 1 ? 'cancelled' : 'failed', error: Atomics.load(cancel, 0) === 1 ? null : 'worker exited' })
      }
    })
    this.onProgress({ ...progress })
    return { ...progress }
  }

  status(exportId: string): ExportProgress | null {
    const r = this.jobs.get(exportId)
    return r ? { ...r.progress } : null
  }

  cancel(exportId: string): boolean {
    const r = this.jobs.get(exportId)
    if (!r || r.progress.state !== 'running') return false
    Atomics.store(r.cancel, 0, 1)
    return true
  }

  /** Resolves when the export has finished, one way or another. */
  wait(exportId: string): Promise<ExportProgress> {
    const r = this.jobs.get(exportId)
    return r ? r.finished : Promise.resolve({ exportId, state: 'failed', done: 0, total: null, path: '', fileName: '', error: 'unknown export' })
  }

  async closeAll(): Promise<void> {
    for (const [id, r] of this.jobs) {
      if (r.progress.state === 'running') this.cancel(id)
    }
    await Promise.all([...this.jobs.values()].map((r) => r.finished))
  }
}
