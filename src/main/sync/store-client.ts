/**
 * HTTP client of the central store's API (docs/api.md). Every call has a timeout; network
 * failures become `StoreUnreachable`, HTTP errors `StoreError` with the server's code.
 */
import type { Params } from '../../core/result'
import type { StoreActor } from '../api/contract'
import type { Change } from './mirror'

export type { StoreActor }

export interface CommandToSend {
  id: string
  clientId: string
  seq: number
  type: string
  payload: unknown
  signature?: string
}

export type CommandAnswer =
  | { id: string; status: 'accepted'; result?: Record<string, unknown> }
  | { id: string; status: 'rejected'; code: string; params?: Params }
  | { id: string; status: 'retry'; code: string; params?: Params }

export class StoreUnreachable extends Error {
  constructor(readonly reason: string) {
    super(`central store unreachable: ${reason}`)
    this.name = 'StoreUnreachable'
  }
}

export class StoreError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params?: Params,
  ) {
    super(`central store answered ${status} ${code}`)
    this.name = 'StoreError'
  }
}

export interface StoreClientOptions {
  baseUrl: string
  timeoutMs?: number
  fetch?: typeof fetch
}

export class StoreClient {
  readonly baseUrl: string
  private token: string | null = null
  private readonly timeoutMs: number
  private readonly fetchImpl: typeof fetch

  constructor(opts: StoreClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = opts.timeoutMs ?? 30_000
    this.fetchImpl = opts.fetch ?? fetch
  }

  setToken(token: string | null): void {
    this.token = token
  }

  hasToken(): boolean {
    return this.token !== null
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (this.token) headers['authorization'] = `Bearer ${this.token}`
    const timeout = AbortSignal.timeout(this.timeoutMs)
    let res: Response
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
    } catch (err) {
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err))
    }
    let json: unknown = null
    const text = await res.text().catch(() => '')
    if (text) {
      try {
        json = JSON.parse(text)
      } catch {
        json = null
      }
    }
    if (!res.ok) {
      const j = (json ?? {}) as { code?: string; params?: Params }
      if (res.status >= 500 && !j.code) throw new StoreUnreachable(`HTTP ${res.status}`)
      throw new StoreError(res.status, j.code ?? `http_${res.status}`, j.params)
    }
    return json as T
  }

  challenge(): Promise<{ nonce: string; expiresAt: string }> {
    return this.request('POST', '/v1/auth/challenge', {})
  }

  login(nonce: string, cmsBase64: string): Promise<{ token: string; expiresAt: string; actor: StoreActor }> {
    return this.request('POST', '/v1/auth/login', { nonce, cms: cmsBase64 })
  }

  async logout(): Promise<void> {
    await this.request('POST', '/v1/auth/logout', {})
  }

  commands(commands: CommandToSend[]): Promise<{ answers: CommandAnswer[] }> {
    return this.request('POST', '/v1/commands', { commands })
  }

  changes(cursor: number, limit: number): Promise<{ changes: Change[]; cursor: number; more: boolean }> {
    return this.request('GET', `/v1/changes?cursor=${cursor}&limit=${limit}`)
  }

  /**
   * Listen to the server-sent events stream; `onPoke` runs on each `changes` event.
   * Resolves when the stream ends or `signal` aborts; rejects when it cannot connect.
   */
  async listen(onPoke: (cursor: number) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    let res: Response
    try {
      res = await this.fetchImpl(`${this.baseUrl}/v1/events`, {
        headers: { accept: 'text/event-stream', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        signal,
      })
    } catch (err) {
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err))
    }
    if (!res.ok || !res.body) throw new StoreError(res.status, `http_${res.status}`)
    onOpen?.()
    const reader = res.body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += decoder.decode(value, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let event = 'message'
          let data = ''
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim()
            else if (line.startsWith('data:')) data += line.slice(5).trim()
          }
          if (event === 'changes') {
            let cursor = 0
            try {
              cursor = Number((JSON.parse(data) as { cursor?: number }).cursor ?? 0)
            } catch {
              cursor = 0
            }
            onPoke(cursor)
          }
        }
      }
    } catch (err) {
      if (signal.aborted) return
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err))
    }
  }
}
