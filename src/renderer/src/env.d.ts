import type { WorkstationApi } from '../../main/api/contract'

declare global {
  interface Window {
    /** The only door to the backend: exposed by the preload or the web host's bridge. */
    readonly api: WorkstationApi
  }
}
export {}
