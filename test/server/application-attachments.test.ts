import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { demoConclusionPdf, demoReportPng } from '../../src/server/demo/documents'
import { allChanges, BACKENDS, parentSession, staffClient, startStore, type Parent, type TestStore } from './helpers'
import { fileApplication, year } from './fixtures'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/**
 * An application's documents as real files (issue 8 point 7): the portal uploads them by
 * their SHA-256, files the application naming them; the reviewers and clerks of the region
 * read them back; the demo city attaches a two-page PDF and a PNG to the special queue.
 */
describe.each(BACKENDS)('application documents as files (%s)', (backend) => {
  let s: TestStore
  let parent: Parent
  beforeAll(async () => {
    s = await startStore(backend)
    parent = await parentSession(s, 'parent-akhmetov')
  })
  afterAll(async () => s?.close())
  const db = () => s.server.database.db
  const getAs = async (token: string, sha256: string) =>
    s.server.app.inject({ method: 'GET', url: `/v1/attachments/${sha256}`, headers: { authorization: `Bearer ${token}` } })

  it('the demo files are the same bytes on every run: a two-page PDF and a PNG', async () => {
    const a = await demoConclusionPdf()
    const b = await demoConclusionPdf()
    expect(a.sha256).toBe(b.sha256)
    expect(a.data.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(a.data.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(2)
    const p = demoReportPng()
    expect(p.sha256).toBe(demoReportPng().sha256)
    expect(p.data.subarray(1, 4).toString('latin1')).toBe('PNG')
    // seeded on the special queue's applications awaiting review
    const docs = await db()
      .selectFrom('privilege_documents as d')
      .innerJoin('applications as a', 'a.id', 'd.application_id')
      .select(['d.sha256', 'a.queue_type', 'a.status'])
      .where('d.sha256', 'is not', null)
      .execute()
    expect(docs.length).toBeGreaterThan(0)
    expect(new Set(docs.map((d) => d.sha256))).toEqual(new Set([a.sha256, p.sha256]))
    expect(docs.every((d) => d.queue_type === 'special_voucher' && d.status === 'awaiting_review')).toBe(true)
  })

  it('the portal uploads files and files a special-queue application naming them; reviewers read them back', async () => {
    const pdf = await demoConclusionPdf()
    const png = demoReportPng()
    // a fresh file, so this upload is the one that stores it
    const own = Buffer.concat([png.data, Buffer.from('\n')])
    const ownSha = sha(own)
    expect((await parent.put(`/v1/attachments/${ownSha}`, own, 'image/png')).status).toBe(200)
    // type by the first bytes; hash checked
    expect((await parent.put(`/v1/attachments/${ownSha}`, Buffer.from('GIF89a....'), 'image/png')).status).toBe(415)
    expect((await parent.put(`/v1/attachments/${sha(pdf.data)}`, png.data, 'image/png')).status).toBe(400)
    expect((await parent.put(`/v1/attachments/${pdf.sha256}`, pdf.data, 'application/pdf')).status).toBe(200)
    // an unknown file is refused with its name
    const Y = year(s)
    await expect(
      fileApplication(parent, Y - 4, { queueType: 'special_voucher', correctionType: 'speech', attachments: [{ kind: 'pmpk_conclusion', sha256: 'a'.repeat(64), fileName: 'missing.pdf' }] }),
    ).rejects.toThrow(/attachment_missing.*missing\.pdf/)
    const app = await fileApplication(parent, Y - 4, {
      queueType: 'special_voucher',
      correctionType: 'speech',
      attachments: [
        { kind: 'pmpk_conclusion', sha256: pdf.sha256, fileName: 'pmpk.pdf' },
        { kind: 'medical_report', sha256: ownSha, fileName: 'report.png', issuedOn: '2026-01-15' },
      ],
    })
    const docs = await db().selectFrom('privilege_documents').selectAll().where('application_id', '=', app.id).orderBy('id').execute()
    expect(docs.map((d) => [d.kind, d.sha256, d.file_name])).toEqual([
      ['pmpk_conclusion', pdf.sha256, 'pmpk.pdf'],
      ['medical_report', ownSha, 'report.png'],
    ])
    // the PMPK reviewer of the region reads the files back, with their type
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    const r1 = await getAs(pmpk.token, ownSha)
    expect(r1.statusCode).toBe(200)
    expect(r1.headers['content-type']).toBe('image/png')
    expect(Buffer.from(r1.rawPayload).equals(own)).toBe(true)
    const r2 = await getAs(pmpk.token, pdf.sha256)
    expect(r2.headers['content-type']).toBe('application/pdf')
    // a kindergarten's staff do not see application documents; a parent cannot read
    const staff = await staffClient(s, 'baldyrgan-head')
    expect((await getAs(staff.token, ownSha)).statusCode).toBe(404)
    expect((await getAs(parent.token, ownSha)).statusCode).toBe(403)
    // the reviewers' feed row names the files with their type
    const feed = await allChanges(s, pmpk.token)
    const row = feed.rows.filter((c) => c.entity === 'application' && c.id === app.id).pop()
    expect(row.data.privilege_documents).toEqual([
      expect.objectContaining({ kind: 'pmpk_conclusion', sha256: pdf.sha256, file_name: 'pmpk.pdf', content_type: 'application/pdf' }),
      expect.objectContaining({ kind: 'medical_report', sha256: ownSha, file_name: 'report.png', content_type: 'image/png' }),
    ])
  })
})
