/**
 * Desktop updates, the Electron-free part: what the backend may ask of the desktop host
 * (`DesktopCapability`, implemented over electron-updater in ./electron/updater.ts and
 * absent in the web host and CLI), the feed address, and how updater failures become
 * translated error codes.
 *
 * The feed is the central store's `/updates/` folder (a "generic" electron-updater
 * provider): `latest.yml` (Windows), `latest-linux.yml` (AppImage/deb) and the installers,
 * as `electron-builder` writes them to `dist/`.
 */
import { AppError } from '../core/result'
import type { UpdateProgress } from './api/contract'

export interface FeedCheck {
  available: boolean
  version: string | null
  releaseDate: string | null
}

export interface DesktopCapability {
  /** Ask the feed whether a newer version exists (downloads nothing). */
  checkForUpdates(feedUrl: string): Promise<FeedCheck>
  /** Download the update found by the last check; checksum (and on Windows, signature) verified. */
  downloadUpdate(onProgress: (progress: UpdateProgress) => void): Promise<{ version: string }>
  /** Quit and install the downloaded update, then start the new version. */
  quitAndInstall(): void
  /** Ask the user where to save a file; null when they cancel. Absent: save in the profile. */
  chooseSavePath?(defaultName: string): Promise<string | null>
}

/** `<central store address>/updates/`; the store must be configured first. */
export function updateFeedUrl(serverUrl: string): string {
  const base = serverUrl.trim()
  if (base === '') throw new AppError('update_feed_not_configured')
  return base.replace(/\/+$/, '') + '/updates/'
}

/** Map an electron-updater failure to one of our error codes. */
export function updateErrorCode(err: unknown, phase: 'check' | 'download'): string {
  if (err instanceof AppError) return err.code
  const code = (err as { code?: unknown } | null)?.code
  const message = err instanceof Error ? err.message : String(err)
  if (code === 'ERR_CHECKSUM_MISMATCH' || /checksum mismatch/i.test(message)) return 'update_checksum_mismatch'
  if (code === 'ERR_UPDATER_INVALID_SIGNATURE' || /not signed by the application owner/i.test(message)) {
    return 'update_signature_invalid'
  }
  if (code === 'ERR_UPDATER_LATEST_VERSION_NOT_FOUND' || code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND') {
    return 'update_feed_empty'
  }
  return phase === 'check' ? 'update_check_failed' : 'update_download_failed'
}

/** A progress event with finite, rounded figures (what the UI shows). */
export function normaliseProgress(p: Partial<UpdateProgress>): UpdateProgress {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
  return {
    percent: Math.min(100, Math.round(n(p.percent) * 10) / 10),
    transferred: Math.round(n(p.transferred)),
    total: Math.round(n(p.total)),
    bytesPerSecond: Math.round(n(p.bytesPerSecond)),
  }
}
