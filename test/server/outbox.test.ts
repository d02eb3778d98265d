import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import {
  deliverDue,
  httpSmsAdapter,
  logFileAdapter,
  smtpAdapter,
  type DeliveryAdapter,
} from '../../src/server/outbox'
import { BACKENDS, parentSession, startStore, type TestStore } from './helpers'
import { fileApplication, year } from './fixtures'
import net from 'node:net'

describe.each(BACKENDS)('notifications outbox (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 50 })
    const parent = await parentSession(s, 'parent-akhmetov')
    for (let i = 0; i < 3; i++) await fileApplication(parent, year(s) - 2)
  })
  afterAll(async () => s?.close())
  const db = () => s.server.database.db

  it('a failing channel keeps every message, retrying with growing backoff; nothing is lost or sent twice', async () => {
    let calls = 0
    const failing: DeliveryAdapter = {
      name: 'down',
      async deliver() {
        calls++
        throw new Error('gateway down')
      },
    }
    const now = s.clock.now()
    const r1 = await deliverDue(db(), failing, now)
    expect(r1.sent).toBe(0)
    expect(r1.failed).toBe(3)
    // not due again right away
    expect((await deliverDue(db(), failing, now)).failed).toBe(0)
    const rows = await db().selectFrom('notifications_outbox').selectAll().execute()
    expect(
      rows.every(
        (r) => r.status === 'pending' && r.attempts === 1 && r.last_error === 'gateway down',
      ),
    ).toBe(true)
    const t2 = new Date(now.getTime() + 31_000)
    expect((await deliverDue(db(), failing, t2)).failed).toBe(3)
    const after2 = await db()
      .selectFrom('notifications_outbox')
      .select(['attempts', 'next_attempt_at'])
      .execute()
    expect(
      after2.every(
        (r) => r.attempts === 2 && new Date(r.next_attempt_at).getTime() >= t2.getTime() + 60_000,
      ),
    ).toBe(true)
    // the log channel delivers them later, with masked IINs, in both languages
    const dir = mkdtempSync(join(tmpdir(), 'bq-outbox-'))
    const log = join(dir, 'n.log')
    const t3 = new Date(t2.getTime() + 61_000)
    const [a, b] = await Promise.all([
      deliverDue(db(), logFileAdapter(log), t3),
      deliverDue(db(), logFileAdapter(log), t3),
    ])
    expect(a.sent + b.sent).toBe(3)
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(3)
    for (const l of lines) {
      expect(l.to).toMatch(/^\d{6}\*{6}$/)
      expect(l.kk.toLowerCase()).toContain('кезек')
      expect(l.ru.toLowerCase()).toContain('очеред')
    }
    expect(calls).toBe(6)
    expect(
      (await deliverDue(db(), logFileAdapter(log), new Date(t3.getTime() + 3600_000))).sent,
    ).toBe(0)
  })

  it('the HTTP SMS gateway and SMTP adapters deliver to real sockets', async () => {
    await sql`update notifications_outbox set status = 'pending', next_attempt_at = ${s.clock.now()}`.execute(
      db(),
    )
    const got: any[] = []
    const gw = http.createServer((req, res) => {
      let b = ''
      req.on('data', (c) => (b += c))
      req.on('end', () => {
        got.push({ auth: req.headers.authorization, body: JSON.parse(b) })
        res.writeHead(got.length === 1 ? 500 : 200).end()
      })
    })
    await new Promise<void>((r) => gw.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(gw.address() as net.AddressInfo).port}/sms`
    const r = await deliverDue(db(), httpSmsAdapter(url, 'tkn'), s.clock.now())
    expect(r).toEqual({ sent: 2, failed: 1 })
    expect(got[1].auth).toBe('Bearer tkn')
    expect(got[1].body.phone).toMatch(/^\+7/)
    gw.close()

    // a minimal SMTP server
    await sql`update notifications_outbox set status = 'pending', next_attempt_at = ${s.clock.now()}`.execute(
      db(),
    )
    const mails: string[] = []
    const smtp = net.createServer((sock) => {
      sock.write('220 test ESMTP\r\n')
      let data = false
      let buf = ''
      sock.on('data', (chunk) => {
        buf += chunk.toString('utf8')
        let i
        while ((i = buf.indexOf('\r\n')) >= 0) {
          const line = buf.slice(0, i)
          buf = buf.slice(i + 2)
          if (data) {
            if (line === '.') {
              data = false
              sock.write('250 queued\r\n')
            } else mails[mails.length - 1] += line + '\n'
            continue
          }
          const cmd = line.slice(0, 4).toUpperCase()
          if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 test\r\n')
          else if (cmd === 'DATA') {
            data = true
            mails.push('')
            sock.write('354 go\r\n')
          } else if (cmd === 'QUIT') sock.end('221 bye\r\n')
          else sock.write('250 ok\r\n')
        }
      })
    })
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r))
    const port = (smtp.address() as net.AddressInfo).port
    const m = await deliverDue(
      db(),
      await smtpAdapter(`smtp://127.0.0.1:${port}?ignoreTLS=true`, 'noreply@balabaqsha.kz'),
      s.clock.now(),
    )
    expect(m.failed).toBe(0)
    expect(m.sent).toBe(3)
    expect(mails.length).toBe(3)
    expect(mails[0]).toContain('parent@example.kz')
    smtp.close()
  })
})
