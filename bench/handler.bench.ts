/**
 * `npm run bench -- handler`: 10,000 `settings.get` calls through the web host (HTTP on
 * loopback, JSON both ways, token check) beside 10,000 direct calls of the same backend
 * in the same run. Reports calls per second and the per-call overhead of the host.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, request } from 'node:http'
import { createBackend } from '../src/main/backend'
import { hostInfo } from '../src/main/host-info'
import { startWebHost } from '../src/main/web-host'
import { report, timeIt } from './lib'

const CALLS = 10_000

export async function run(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'bq-bench-handler-'))
  mkdirSync(join(dir, 'renderer'))
  writeFileSync(join(dir, 'renderer', 'index.html'), '<html><head></head></html>')
  const backend = createBackend({ profileDir: join(dir, 'profile'), host: hostInfo('web') })
  const host = await startWebHost({ backend, rendererDir: join(dir, 'renderer') })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const body = '{}'
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/api/settings.get',
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          let text = ''
          res.on('data', (c) => (text += c))
          res.on('end', () => (JSON.parse(text).ok ? resolve() : reject(new Error(text))))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  // warm up both paths
  for (let i = 0; i < 200; i++) {
    await backend.invoke('settings.get', {})
    await post()
  }
  const directMs = await timeIt(async () => {
    for (let i = 0; i < CALLS; i++) await backend.invoke('settings.get', {})
  })
  const webMs = await timeIt(async () => {
    for (let i = 0; i < CALLS; i++) await post()
  })
  agent.destroy()
  await host.close()
  await backend.close()
  rmSync(dir, { recursive: true, force: true })

  const direct = CALLS / (directMs / 1000)
  const web = CALLS / (webMs / 1000)
  report({
    bench: 'handler',
    metric: 'web host round trip',
    value: Math.round(web),
    unit: 'calls/s',
    baseline: { metric: 'direct backend call', value: Math.round(direct), unit: 'calls/s' },
    ratio: Number((web / direct).toFixed(3)),
    overheadMsPerCall: Number(((webMs - directMs) / CALLS).toFixed(4)),
    calls: CALLS,
  })
  return true
}
