import type { Handler } from '../backend'
import { readSettings } from './settings'

export const signIn: Handler<'session.signIn'> = async (args, ctx) => {
  const settings = await readSettings(ctx)
  return ctx.session.signIn(args.key, settings.serverUrl)
}

export const currentSession: Handler<'session.current'> = async (_args, ctx) => ctx.session.current()

export const signOut: Handler<'session.signOut'> = async (_args, ctx) => {
  await ctx.session.signOut()
  return null
}

export const syncStatus: Handler<'sync.status'> = async (_args, ctx) => ctx.session.status()

export const syncNow: Handler<'sync.now'> = async (_args, ctx) => ctx.session.syncNow()

export const syncProblems: Handler<'sync.problems'> = async (_args, ctx) => ctx.session.mirror.problems()

export const dismissProblem: Handler<'sync.dismissProblem'> = async (args, ctx) => {
  const done = ctx.session.mirror.dismissProblem(args.id, new Date().toISOString())
  ctx.emit('sync.status', ctx.session.status())
  return done
}
