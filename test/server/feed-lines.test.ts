/**
 * The change feed's line format (bulk sync) carries exactly what the JSON format carries,
 * in the same order, whatever characters a client put in an id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StoreClient } from '../../src/main/sync/store-client'
import { BACKENDS, allChanges, loginAs, staffClient, startStore, type TestStore } from './helpers'

describe.each(BACKENDS)('change feed, line format (%s)', (kind) => {
  let s: TestStore
  let url: string
  beforeAll(async () => {
    s = await startStore(kind, { scale: 150 })
    url = await s.server.listen(0)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('pages carry the same rows as the JSON feed, in cursor order, with awkward ids intact', async () => {
    const staff = await staffClient(s, 'baldyrgan-head')
    const groups = (await allChanges(s, staff.token)).rows.filter((r: { entity: string }) => r.entity === 'group')
    const g = groups[0]!.data as { id: string; birth_years: number[] }
    const awkward = 'v\ttab\nnewline"quote\\back'
    const a = await staff.one('vacancy.publish', { vacancyId: awkward, groupId: g.id, places: 1, birthYears: g.birth_years })
    expect(a.status).toBe('accepted')

    const clerk = await loginAs(s, 'clerk-saparova')
    const json = await allChanges(s, clerk.token)
    const client = new StoreClient({ baseUrl: url })
    client.setToken(clerk.token)
    const lines: Array<{ cursor: number; entity: string; id: string; op: string; data: unknown }> = []
    let cursor = 0
    let pages = 0
    for (;;) {
      const page = await client.changes(cursor, 700)
      pages++
      for (const c of page.changes) lines.push({ cursor: c.cursor, entity: c.entity, id: c.id, op: c.op, data: c.dataText ? JSON.parse(c.dataText) : null })
      cursor = page.cursor
      if (!page.more) break
    }
    expect(pages).toBeGreaterThan(1)
    expect(lines.map((l) => l.cursor)).toEqual(json.rows.map((r: { cursor: number }) => r.cursor))
    expect(lines).toEqual(json.rows.map((r: { cursor: number; entity: string; id: string; op: string; data: unknown }) => ({ cursor: r.cursor, entity: r.entity, id: r.id, op: r.op, data: r.data })))
    expect(lines.some((l) => l.id === awkward)).toBe(true)
    // strictly increasing cursors
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.cursor).toBeGreaterThan(lines[i - 1]!.cursor)
  })
})
