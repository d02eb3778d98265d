import { randomUUID } from 'node:crypto'
import { makeIin } from '../../src/core/iin'
import type { Client, Parent, TestStore } from './helpers'

export const year = (s: TestStore): number =>
  Number(new Date(s.clock.now().getTime() + 5 * 3600_000).toISOString().slice(0, 4))

let serial = 9000
/** A parent files a general-queue application for a new child born in `birthYear`. */
export async function fileApplication(
  p: Parent,
  birthYear: number,
  o: {
    language?: 'kk' | 'ru'
    queueType?: string
    privilege?: string
    docsIssuedOn?: string
    correctionType?: string
    districtId?: string
    attachments?: { kind: string; sha256: string; fileName: string; issuedOn?: string }[]
  } = {},
): Promise<{ id: string; number: string; childIin: string }> {
  const birthDate = `${birthYear}-03-1${serial % 9}`
  const childIin = makeIin(birthDate, serial % 2 ? 'male' : 'female', serial++)
  const id = `T-${randomUUID().slice(0, 12)}`
  const body: Record<string, unknown> = {
    applicationId: id,
    applicant: {
      fullName: 'Ахметов Бауыржан Қанатұлы',
      phone: '+7 701 000 0000',
      email: 'parent@example.kz',
    },
    child: { iin: childIin, fullName: 'Ахметов Әли', birthDate },
    queueType: o.queueType ?? 'general',
    regionId: 'almaty',
    districtId: o.districtId ?? 'almaly',
    language: o.language ?? 'kk',
  }
  if (o.privilege) {
    body['privilege'] = o.privilege
    body['privilegeDocuments'] = [
      { kind: 'large_family', issuedOn: o.docsIssuedOn ?? new Date().toISOString().slice(0, 10) },
    ]
  }
  if (o.correctionType) body['correctionType'] = o.correctionType
  if (o.attachments) body['attachments'] = o.attachments
  const r = await p.post('/v1/portal/applications', body)
  if (r.status !== 200) throw new Error(`file application: ${r.status} ${JSON.stringify(r.body)}`)
  return { id, number: r.body.result.number, childIin }
}

/** Staff publish a vacancy of `places` in a group; returns its id. */
export async function publish(
  c: Client,
  groupId: string,
  birthYear: number,
  places: number,
): Promise<string> {
  const vacancyId = `V-${randomUUID().slice(0, 12)}`
  const a = await c.one('vacancy.publish', { vacancyId, groupId, places, birthYears: [birthYear] })
  if (a.status !== 'accepted') throw new Error(`publish: ${JSON.stringify(a)}`)
  return vacancyId
}

export async function bid(p: Parent, vacancyId: string, applicationId: string): Promise<string> {
  const bidId = `B-${randomUUID().slice(0, 12)}`
  const r = await p.post('/v1/portal/bids', { bidId, vacancyId, applicationId })
  if (r.status !== 200) throw new Error(`bid: ${r.status} ${JSON.stringify(r.body)}`)
  return bidId
}
