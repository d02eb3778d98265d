import type { HandlerTable } from '../backend'
import { about } from './about'
import { getSettings, updateSettings } from './settings'
import { listGroups, setGroupCapacity } from './groups'
import { checkForUpdate, downloadUpdate, installUpdate } from './update'
import { saveDiagnostics } from './diagnostics'
import { currentSession, dismissProblem, signIn, signOut, syncNow, syncProblems, syncStatus } from './session'

/** The workstation's handler table: one entry per name in api/contract.ts. */
export const handlers: HandlerTable = {
  'settings.get': getSettings,
  'settings.update': updateSettings,
  'app.about': about,
  'update.check': checkForUpdate,
  'update.download': downloadUpdate,
  'update.install': installUpdate,
  'diagnostics.save': saveDiagnostics,
  'session.signIn': signIn,
  'session.current': currentSession,
  'session.signOut': signOut,
  'sync.status': syncStatus,
  'sync.now': syncNow,
  'sync.problems': syncProblems,
  'sync.dismissProblem': dismissProblem,
  'groups.list': listGroups,
  'groups.setCapacity': setGroupCapacity,
}
