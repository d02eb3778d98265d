/**
 * The staff screens' referral print: the shared documents module makes it (the same code
 * as `documents.pdf` and `bq doc referral`); this handler only checks that the referral
 * is one of the signed-in kindergarten's.
 */
import { AppError } from '../../core/result'
import type { Handler } from '../backend'
import { buildDocument } from '../documents'
import { listReferrals } from './staff'

export const referralPdf: Handler<'staff.referralPdf'> = async (args, ctx) => {
  const r = (await listReferrals({}, ctx)).find((x) => x.id === args.referralId)
  if (!r) throw new AppError('not_found', { what: 'referral', id: args.referralId })
  const d = await buildDocument(ctx.sqlite, 'referral', r.id)
  return { fileName: d.fileName, base64: Buffer.from(d.bytes).toString('base64') }
}
