/**
 * electron-updater downloads through Electron's `net` module (ElectronHttpExecutor); outside
 * Electron the same contract is met with Node's http/https. `download` mirrors
 * ElectronHttpExecutor.download: builder-util-runtime's own doDownload, which streams to the
 * destination through its sha512 DigestTransform.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { createRequire } from 'node:module'

type Options = { protocol?: string; headers?: Record<string, string> }
interface DownloadOptions {
  headers?: Record<string, string> | null
  cancellationToken: { createPromise<T>(fn: (resolve: (v: T) => void, reject: (e: Error) => void, onCancel: (cb: () => void) => void) => void): Promise<T> }
}

const fromUpdater = createRequire(require.resolve('electron-updater'))
const runtime = fromUpdater('builder-util-runtime') as {
  HttpExecutor: new () => {
    doDownload(requestOptions: unknown, options: unknown, redirectCount: number): void
  }
  configureRequestUrl(url: URL, options: unknown): void
  configureRequestOptions(options: unknown): unknown
}

class NodeHttpExecutor extends runtime.HttpExecutor {
  createRequest(options: Options, callback: (r: unknown) => void) {
    return (options.protocol === 'https:' ? httpsRequest : httpRequest)(options as never, callback as never)
  }

  async download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions = { headers: options.headers || undefined, redirect: 'manual' }
      runtime.configureRequestUrl(url, requestOptions)
      runtime.configureRequestOptions(requestOptions)
      this.doDownload(
        requestOptions,
        { destination, options, onCancel, callback: (error: Error | null) => (error == null ? resolve(destination) : reject(error)), responseHandler: null },
        0,
      )
    })
  }
}

export function http(): unknown {
  return new NodeHttpExecutor()
}
