/** The preload exposes exactly one object to the renderer: the typed `api` bridge. */
import { contextBridge, ipcRenderer } from 'electron'
import type { ApiEventName, WorkstationApi } from '../main/api/contract'
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../main/api/channels'

type Listener = (payload: unknown) => void
const listeners = new Map<string, Set<Listener>>()
ipcRenderer.on(EVENT_CHANNEL, (_event, message: { event: string; payload: unknown }) => {
  for (const fn of listeners.get(message.event) ?? []) fn(message.payload)
})

const api: WorkstationApi = {
  invoke: (name, args) => ipcRenderer.invoke(INVOKE_CHANNEL, name, args),
  on(event: ApiEventName, listener) {
    const set = listeners.get(event) ?? new Set<Listener>()
    listeners.set(event, set)
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  },
}

contextBridge.exposeInMainWorld('api', api)
