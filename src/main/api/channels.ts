/** IPC channel names shared by the Electron host and the preload. */
export const INVOKE_CHANNEL = 'bq:invoke'
export const EVENT_CHANNEL = 'bq:event'
