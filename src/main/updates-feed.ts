/**
 * The update feed the central store serves at `/updates/`: a plain folder with what
 * `npm run dist` writes to `dist/` (latest.yml, latest-linux.yml, the installers and their
 * .blockmap files). electron-updater's "generic" provider reads it.
 *
 * Self-contained so the central store can mount it without knowing electron-updater:
 *
 *   import { registerUpdatesRoute } from '../main/updates-feed'
 *   if (opts.updatesDir) registerUpdatesRoute(app, opts.updatesDir)   // bq server --updates DIR
 *
 * - only regular files directly in the folder, with plain names (no sub-folders, no dot
 *   files, no path tricks, no symlinks out of the folder);
 * - `latest*.yml` are never cached (a new release must be seen at once); installers are;
 * - a single byte range is honoured (resumed and differential downloads); a multi-range
 *   request gets the whole file, which electron-updater accepts.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,254}$/

const TYPES: Record<string, string> = {
  '.yml': 'text/yaml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.exe': 'application/vnd.microsoft.portable-executable',
  '.appimage': 'application/octet-stream',
  '.deb': 'application/vnd.debian.binary-package',
  '.blockmap': 'application/octet-stream',
  '.zip': 'application/zip',
}

/** The file a request names, or null when it is not one the feed serves. */
export function resolveFeedFile(dir: string, name: string): string | null {
  if (!SAFE_NAME.test(name) || name.includes('..')) return null
  const root = realpathSync(resolve(dir))
  const file = join(root, name)
  let real: string
  try {
    real = realpathSync(file)
  } catch {
    return null
  }
  if (!real.startsWith(root + sep)) return null
  try {
    if (!statSync(real).isFile()) return null
  } catch {
    return null
  }
  return real
}

/** Parse `Range: bytes=a-b` (one range only) against a size; null = serve it all. */
export function parseSingleRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return null // several ranges or another unit: the whole file
  const [, a = '', b = ''] = m
  if (a === '' && b === '') return null
  let start: number
  let end: number
  if (a === '') {
    const suffix = Number(b)
    if (suffix === 0) return 'unsatisfiable'
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(a)
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  }
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

export interface UpdatesRouteOptions {
  /** URL prefix, default `/updates` */
  prefix?: string
}

export function registerUpdatesRoute(app: FastifyInstance, dir: string, options: UpdatesRouteOptions = {}): void {
  const prefix = (options.prefix ?? '/updates').replace(/\/+$/, '')
  const root = resolve(dir)
  statSync(root) // fail at start, not on the first request, when the folder is missing

  const handler = async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const file = resolveFeedFile(root, request.params.name)
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('not found')
    const size = statSync(file).size
    const ext = extname(file).toLowerCase()
    reply.header('content-type', TYPES[ext] ?? 'application/octet-stream')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('accept-ranges', 'bytes')
    reply.header('cache-control', /^latest.*\.ya?ml$/i.test(request.params.name) ? 'no-cache' : 'public, max-age=3600')
    const range = parseSingleRange(request.headers.range, size)
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${size}`).send()
    }
    if (range) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1)
      return reply.send(createReadStream(file, { start: range.start, end: range.end }))
    }
    reply.header('content-length', size)
    // HEAD: Node's http server drops the body and keeps the headers
    return reply.send(createReadStream(file))
  }

  app.get(`${prefix}/:name`, handler)
}
