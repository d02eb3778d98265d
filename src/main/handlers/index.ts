import type { HandlerTable } from '../backend'
import { about } from './about'
import { getSettings, updateSettings } from './settings'

/** The workstation's handler table: one entry per name in api/contract.ts. */
export const handlers: HandlerTable = {
  'settings.get': getSettings,
  'settings.update': updateSettings,
  'app.about': about,
}
