/**
 * The loopback web host: serves the built renderer and the handler table over HTTP on
 * 127.0.0.1, for development and end-to-end tests in a browser. Never started by the
 * Electron app.
 *
 * - `POST /api/<handler>` with `Authorization: Bearer <token>` and a JSON body; the token
 *   is random per run and only printed in the URL the host announces;
 * - `GET /api/events?token=` streams backend events as server-sent events;
 * - the Host header must name the loopback address (no DNS rebinding), and a browser
 *   Origin, when sent, must be our own;
 * - `/__bq/bridge.js` implements the same `window.api` the Electron preload exposes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { Backend } from './backend'
import { CONTENT_SECURITY_POLICY } from './security'

export interface WebHost {
  url: string
  token: string
  port: number
  server: Server
  close(): Promise<void>
}

export interface WebHostOptions {
  backend: Backend
  rendererDir: string
  port?: number
  token?: string
  maxBodyBytes?: number
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.pdf': 'application/pdf',
}

const BRIDGE = `(() => {
  const q = new URLSearchParams(location.search);
  if (q.get('token')) {
    sessionStorage.setItem('bq-token', q.get('token'));
    q.delete('token');
    history.replaceState(null, '', location.pathname + (q.toString() ? '?' + q : '') + location.hash);
  }
  const token = () => sessionStorage.getItem('bq-token') || '';
  const listeners = new Map();
  let source = null;
  function ensureEvents() {
    if (source) return;
    source = new EventSource('/api/events?token=' + encodeURIComponent(token()));
    source.onmessage = (m) => {
      const { event, payload } = JSON.parse(m.data);
      for (const fn of listeners.get(event) || []) fn(payload);
    };
  }
  window.api = Object.freeze({
    async invoke(name, args) {
      try {
        const res = await fetch('/api/' + encodeURIComponent(name), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token() },
          body: JSON.stringify(args === undefined ? {} : args),
        });
        return await res.json();
      } catch (e) {
        return { ok: false, error: { code: 'host_unreachable' } };
      }
    },
    on(event, fn) {
      ensureEvents();
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(fn);
      return () => listeners.get(event).delete(fn);
    },
  });
})();
`

function send(res: ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...extra,
  })
  res.end(body)
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8')
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) return null
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const rendererDir = resolve(options.rendererDir)
  const indexFile = join(rendererDir, 'index.html')
  if (!existsSync(indexFile)) throw new Error(`renderer not built: ${indexFile} is missing (run npm run build)`)
  const maxBody = options.maxBodyBytes ?? 1024 * 1024
  let port = 0
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const sse = new Set<ServerResponse>()
  const unsubscribe = options.backend.on((event, payload) => {
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`
    for (const res of sse) res.write(data)
  })

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal' } })
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 421, 'misdirected request', 'text/plain')
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      return sendJson(res, 403, { ok: false, error: { code: 'forbidden_sender' } })
    }
    if (url.pathname.startsWith('/api/')) return api(req, res, url)
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain')
    if (url.pathname === '/__bq/bridge.js') return send(res, 200, BRIDGE, MIME['.js']!)
    return serveStatic(res, url.pathname)
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/api/events' && req.method === 'GET') {
      if (!tokenMatches(url.searchParams.get('token') ?? '', token)) {
        return sendJson(res, 401, { ok: false, error: { code: 'unauthorized' } })
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      res.write(': connected\n\n')
      sse.add(res)
      req.on('close', () => sse.delete(res))
      return
    }
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_args', params: { details: 'method' } } })
    const auth = req.headers.authorization ?? ''
    if (!auth.startsWith('Bearer ') || !tokenMatches(auth.slice(7), token)) {
      return sendJson(res, 401, { ok: false, error: { code: 'unauthorized' } })
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, { ok: false, error: { code: 'invalid_args', params: { details: 'content-type' } } })
    }
    const body = await readBody(req, maxBody)
    if (body === null) return sendJson(res, 413, { ok: false, error: { code: 'invalid_args', params: { details: 'body too large' } } })
    let args: unknown
    try {
      args = body === '' ? {} : JSON.parse(body)
    } catch {
      return sendJson(res, 400, { ok: false, error: { code: 'invalid_args', params: { details: 'JSON' } } })
    }
    const name = decodeURIComponent(url.pathname.slice('/api/'.length))
    const result = await options.backend.invoke(name, args)
    return sendJson(res, 200, result)
  }

  function serveStatic(res: ServerResponse, pathname: string): void {
    let rel: string
    try {
      rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
    } catch {
      return send(res, 400, 'bad path', 'text/plain')
    }
    let file = join(rendererDir, rel)
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return send(res, 404, 'not found', 'text/plain')
    if (!existsSync(file) || statSync(file).isDirectory()) file = indexFile // single-page app fallback
    const headers = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': CONTENT_SECURITY_POLICY,
    }
    if (file === indexFile) {
      const html = readFileSync(indexFile, 'utf8').replace('<head>', '<head>\n    <script src="/__bq/bridge.js"></script>')
      return send(res, 200, html, MIME['.html']!, headers)
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...headers })
    createReadStream(file).pipe(res)
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, '127.0.0.1', () => ok())
  })
  port = (server.address() as AddressInfo).port
  const baseUrl = `http://127.0.0.1:${port}`
  return {
    url: `${baseUrl}/?token=${token}`,
    token,
    port,
    server,
    async close() {
      unsubscribe()
      for (const res of sse) res.end()
      sse.clear()
      server.closeAllConnections()
      await new Promise<void>((ok) => server.close(() => ok()))
    },
  }
}
