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

  /** A request whose successful response is returned as is (errors as in `request`). */
  private async raw(method: string, path: string): Promise<Response> {
    const headers: Record<string, string> = {}
    if (this.token) headers['authorization'] = `Bearer ${this.token}`
    let res: Response
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) })
    } catch (err) {
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err))
    }
    if (res.ok) return res
    const j = (await res.json().catch(() => ({}))) as { code?: string; params?: Params }
    if (res.status >= 500 && !j.code) throw new StoreUnreachable(`HTTP ${res.status}`)
    throw new StoreError(res.status, j.code ?? `http_${res.status}`, j.params)
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

  /** Upload a file by its SHA-256 (idempotent); `contract.attach` refers to it. */
  async putAttachment(sha256: string, contentType: string, data: Buffer): Promise<void> {
    const headers: Record<string, string> = { 'content-type': contentType }
    if (this.token) headers['authorization'] = `Bearer ${this.token}`
    let res: Response
    try {
      res = await this.fetchImpl(`${this.baseUrl}/v1/attachments/${sha256}`, {
        method: 'PUT',
        headers,
        body: new Uint8Array(data),
        signal: AbortSignal.timeout(Math.max(this.timeoutMs, 120_000)),
      })
    } catch (err) {
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err))
    }
    if (res.ok) return
    const j = (await res.json().catch(() => ({}))) as { code?: string; params?: Params }
    if (res.status >= 500 && !j.code) throw new StoreUnreachable(`HTTP ${res.status}`)
    throw new StoreError(res.status, j.code ?? `http_${res.status}`, j.params)
  }

  /** A file kept by the store (an application's document, a contract scan), by its SHA-256. */
  async getAttachment(sha256: string): Promise<{ contentType: string; data: Buffer }> {
    const res = await this.raw('GET', `/v1/attachments/${sha256}`)
    try {
      return { contentType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(), data: Buffer.from(await res.arrayBuffer()) }
    } catch (err) {
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err))
    }
  }

  commands(commands: CommandToSend[]): Promise<{ answers: CommandAnswer[] }> {
    return this.request('POST', '/v1/commands', { commands })
  }

  /**
   * One page of the change feed in the line format (`format=lines`): each row's data
   * arrives as its JSON text (`dataText`), which the mirror stores without parsing it.
   */
  async changes(cursor: number, limit: number): Promise<{ changes: Change[]; cursor: number; more: boolean }> {
    const res = await this.raw('GET', `/v1/changes?cursor=${cursor}&limit=${limit}&format=lines`)
    let text: string
    try {
      text = await res.text()
    } catch (err) {
      throw new StoreUnreachable(err instanceof Error ? err.message : String(err))
    }
    const changes: Change[] = []
    let start = 0
    while (start < text.length) {
      let end = text.indexOf('\n', start)
      if (end < 0) end = text.length
      const line = text.slice(start, end)
      start = end + 1
      if (!line) continue
      const t1 = line.indexOf('\t')
      const t2 = line.indexOf('\t', t1 + 1)
      const t3 = line.indexOf('\t', t2 + 1)
      const t4 = line.indexOf('\t', t3 + 1)
      const t5 = line.indexOf('\t', t4 + 1)
      if (t5 < 0) throw new StoreError(502, 'feed_malformed')
      const op = line.slice(t3 + 1, t4)
      const data = line.slice(t5 + 1)
      changes.push({
        cursor: Number(line.slice(0, t1)),
        entity: JSON.parse(line.slice(t1 + 1, t2)) as string,
        id: JSON.parse(line.slice(t2 + 1, t3)) as string,
        op: op === 'delete' ? 'delete' : 'upsert',
        data: null,
        dataText: data === 'null' ? null : data,
      })
    }
    return { changes, cursor: Number(res.headers.get('x-bq-cursor') ?? cursor), more: res.headers.get('x-bq-more') === '1' }
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
