/**
 * The export worker thread: writes one .xlsx (./xlsx.ts) off the backend's thread, posts
 * progress, and stops when the shared cancel flag is set. Built as its own entry
 * (out/main/export-worker.js); run from source through tsx in tests and the benchmark.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { writeExport, type ExportJob } from './xlsx'

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; rows: number; cancelled: boolean }
  | { type: 'error'; message: string }

const { job, cancel } = workerData as { job: ExportJob; cancel: SharedArrayBuffer }
const flag = new Int32Array(cancel)
const post = (m: WorkerMessage) => parentPort!.postMessage(m)

writeExport(
  job,
  (done, total) => post({ type: 'progress', done, total }),
  () => Atomics.load(flag, 0) === 1,
).then(
  (r) => post({ type: 'done', rows: r.rows, cancelled: r.cancelled }),
  (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
)
