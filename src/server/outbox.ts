/**
 * Delivery of parent notifications from the outbox. Rows are claimed with
 * FOR UPDATE SKIP LOCKED (several instances deliver without doubles), sent through an
 * adapter, and marked sent; a failure keeps the row with exponential backoff, so nothing
 * is lost. Adapters: a log file (default), SMTP (nodemailer), an HTTP SMS gateway.
 */
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { maskIin } from '../core/iin'

export interface OutboxMessage {
  id: number
  recipientIin: string
  phone: string | null
  email: string | null
  event: string
  textKk: string
  textRu: string
}

export interface DeliveryAdapter {
  name: string
  deliver(m: OutboxMessage): Promise<void>
}

/** Appends one JSON line per message; the IIN is masked. */
export function logFileAdapter(path: string): DeliveryAdapter {
  return {
    name: 'log',
    async deliver(m) {
      await mkdir(dirname(path), { recursive: true })
      const line = {
        at: new Date().toISOString(),
        id: m.id,
        to: maskIin(m.recipientIin),
        event: m.event,
        kk: m.textKk,
        ru: m.textRu,
      }
      await appendFile(path, JSON.stringify(line) + '\n')
    },
  }
}

/** SMTP through nodemailer; messages without an e-mail address are skipped as delivered. */
export async function smtpAdapter(url: string, from: string): Promise<DeliveryAdapter> {
  const nodemailer = await import('nodemailer')
  const transport = nodemailer.createTransport(url)
  return {
    name: 'smtp',
    async deliver(m) {
      if (!m.email) return
      await transport.sendMail({
        from,
        to: m.email,
        subject: 'Balabaqsha',
        text: `${m.textKk}\n\n${m.textRu}`,
      })
    },
  }
}

/** POSTs `{ phone, text }` (Russian and Kazakh) as JSON to an SMS gateway. */
export function httpSmsAdapter(url: string, token?: string): DeliveryAdapter {
  return {
    name: 'sms',
    async deliver(m) {
      if (!m.phone) return
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({
          phone: m.phone,
          text: `${m.textKk}\n${m.textRu}`,
          ref: String(m.id),
        }),
        signal: AbortSignal.timeout(10_000),
      })
      if (!res.ok) throw new Error(`sms gateway answered ${res.status}`)
    },
  }
}

export const backoffMs = (attempts: number): number =>
  Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1))

/** Deliver up to `limit` due messages; returns how many were sent and how many failed. */
export async function deliverDue(
  db: Kysely<any>,
  adapter: DeliveryAdapter,
  now: Date,
  limit = 100,
): Promise<{ sent: number; failed: number }> {
  return db.transaction().execute(async (tx) => {
    const due = await sql<
      Record<string, any>
    >`select * from notifications_outbox where status = 'pending' and next_attempt_at <= ${now}
        order by id limit ${limit} for update skip locked`.execute(tx)
    let sent = 0
    let failed = 0
    for (const r of due.rows) {
      try {
        await adapter.deliver({
          id: Number(r.id),
          recipientIin: r.recipient_iin,
          phone: r.phone,
          email: r.email,
          event: r.event,
          textKk: r.text_kk,
          textRu: r.text_ru,
        })
        await sql`update notifications_outbox set status = 'sent', sent_at = ${now}, attempts = attempts + 1 where id = ${r.id}`.execute(
          tx,
        )
        sent++
      } catch (err) {
        const attempts = Number(r.attempts) + 1
        const msg = (err instanceof Error ? err.message : String(err)).slice(0, 300)
        await sql`update notifications_outbox set attempts = ${attempts}, last_error = ${msg},
            next_attempt_at = ${new Date(now.getTime() + backoffMs(attempts))} where id = ${r.id}`.execute(
          tx,
        )
        failed++
      }
    }
    return { sent, failed }
  })
}
