/**
 * Packaging, checked without an Electron binary:
 * - electron-builder.yml passes electron-builder's own schema and says what the issue asks;
 * - the fuses of build/fuses.cjs are each at their strict value, and the afterPack hook
 *   writes exactly those into an executable's fuse wire;
 * - `electron-builder --dir --linux` runs for real over a stand-in Electron folder (a file
 *   carrying Electron's fuse sentinel): app.asar, the Electron native binding, app-update.yml,
 *   fuses flipped, and every module the main process requires is inside the package;
 * - the icons have the sizes each target needs; the Kazakh NSIS language files are whole.
 */
import { builtinModules } from 'node:module'
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = process.cwd()
const req = createRequire(join(root, 'package.json'))
const { FuseV1Options, getCurrentFuseWire } = req('@electron/fuses') as typeof import('@electron/fuses')
const { FUSES, fuseConfig } = req('./build/fuses.cjs') as { FUSES: Record<string, boolean>; fuseConfig(): Record<string, unknown> }
const afterPack = req('./build/after-pack.cjs') as {
  applyFuses(exe: string): Promise<Record<number, number>>
  checkNativeBinding(context: unknown): unknown
  electronExecutable(context: unknown): string
}

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const ON = 49
const OFF = 48
const ELECTRON_VERSION = (req('electron/package.json') as { version: string }).version

/** A file with Electron's fuse wire: every fuse in its loosest state (what a stock Electron ships for RunAsNode etc.). */
function fakeElectron(path: string, fuses = 9): void {
  const loose = [ON, OFF, ON, ON, OFF, OFF, OFF, ON, ON].slice(0, fuses)
  const wire = Buffer.from([1, fuses, ...loose])
  writeFileSync(path, Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.from(SENTINEL), wire, Buffer.alloc(32)]))
  chmodSync(path, 0o755)
}

const STRICT: Record<string, boolean> = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
}

describe('fuses (build/fuses.cjs)', () => {
  it.each(Object.entries(STRICT))('%s is %s', (name, value) => {
    expect(FUSES[name]).toBe(value)
  })

  it('configures every fuse @electron/fuses knows, nothing left to Electron’s default', () => {
    const known = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)))
    expect(Object.keys(FUSES).sort()).toEqual(known.sort())
    const config = fuseConfig()
    for (const name of known) expect(config[String(FuseV1Options[name as keyof typeof FuseV1Options])]).toBe(STRICT[name])
  })

  it('the afterPack hook writes them into the binary and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bq-fuses-'))
    const exe = join(dir, 'electron')
    fakeElectron(exe)
    await afterPack.applyFuses(exe)
    const wire = (await getCurrentFuseWire(exe)) as unknown as Record<number, number>
    for (const [name, value] of Object.entries(STRICT)) {
      expect([name, wire[FuseV1Options[name as keyof typeof FuseV1Options]]]).toEqual([name, value ? ON : OFF])
    }
    // a fuse newer than @electron/fuses (index 8) is left as Electron ships it
    expect(wire[8]).toBe(ON)
    rmSync(dir, { recursive: true, force: true })
  })

  it('the afterPack hook refuses to package without the Electron build of better-sqlite3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bq-afterpack-'))
    const context = { appOutDir: dir, electronPlatformName: 'linux', packager: { executableName: 'bq', appInfo: { productFilename: 'Balabaqsha Workstation' }, info: { framework: { version: ELECTRON_VERSION } } } }
    expect(() => afterPack.checkNativeBinding(context)).toThrow(/better_sqlite3\.node is missing/)
    mkdirSync(join(dir, 'resources', 'native'), { recursive: true })
    writeFileSync(join(dir, 'resources', 'native', 'better_sqlite3.node'), 'x')
    writeFileSync(join(dir, 'resources', 'native', 'build-info.json'), JSON.stringify({ electron: '44.0.0', moduleVersion: '12.11.1' }))
    expect(() => afterPack.checkNativeBinding(context)).toThrow(/for Electron 44\.0\.0/)
    expect(afterPack.electronExecutable({ ...context, electronPlatformName: 'win32' })).toBe(join(dir, 'Balabaqsha Workstation.exe'))
    rmSync(dir, { recursive: true, force: true })
  })
})

interface BuilderConfig {
  appId: string
  productName: string
  npmRebuild: boolean
  afterPack: string
  fileAssociations?: unknown
  files: string[]
  extraResources: Array<{ from: string; to: string }>
  publish: Array<{ provider: string; url: string }>
  win: { target: Array<{ target: string; arch: string[] }>; icon: string; verifyUpdateCodeSignature: boolean }
  nsis: Record<string, unknown>
  linux: { target: string[]; icon: string; executableName: string }
}

describe('electron-builder.yml', () => {
  let config: BuilderConfig
  beforeAll(async () => {
    const { getConfig, validateConfiguration } = req('app-builder-lib/out/util/config/config') as {
      getConfig(dir: string, path: string | null, opts: null): Promise<BuilderConfig>
      validateConfiguration(c: unknown, logger: unknown): Promise<void>
    }
    const { DebugLogger } = req('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
    config = await getConfig(root, 'electron-builder.yml', null)
    // electron-builder's own JSON schema: an unknown or misspelt key fails here
    await validateConfiguration(config, new DebugLogger(false))
  })

  it('names the app and never rebuilds node_modules for Electron', () => {
    expect(config.appId).toBe('kz.balabaqsha.workstation')
    expect(config.productName).toBe('Balabaqsha Workstation')
    expect(config.npmRebuild).toBe(false)
    expect(config.fileAssociations).toBeUndefined()
    expect(config.afterPack).toBe('build/after-pack.cjs')
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'build/native/${platform}-${arch}', to: 'native' }))
    // the demo PKI (public private keys) is never shipped
    expect(JSON.stringify(config.extraResources)).not.toContain('trust/demo')
  })

  it('builds an NSIS installer for Windows x64, per-user or per-machine, in Kazakh and Russian', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }])
    expect(config.win.verifyUpdateCodeSignature).toBe(true)
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true, installerLanguages: ['kk_KZ', 'ru_RU'], language: '1087', include: 'build/installer.nsh' })
  })

  it('builds an AppImage and a .deb for Linux', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.linux.executableName).toBe('balabaqsha-workstation')
  })

  it('publishes a generic feed (the central store’s /updates/)', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: expect.stringMatching(/\/updates\/$/) }])
  })

  it('the NSIS override matches what electron-builder generates', () => {
    // electron-builder defines `addLangs` and inserts it; our include swaps it for one that
    // loads Kazakh from build/nsis (NSIS itself ships no Kazakh language file)
    const nsi = readFileSync(req.resolve('app-builder-lib/templates/nsis/installer.nsi'), 'utf8')
    expect(nsi).toContain('!insertmacro addLangs')
    const langs = req('app-builder-lib/out/util/langs') as { lcid: Record<string, number>; langIdToName: Record<string, string> }
    expect(langs.lcid['kk_KZ']).toBe(1087)
    expect(langs.langIdToName['kk']).toBe('Kazakh')
    const include = readFileSync('build/installer.nsh', 'utf8')
    expect(include).toContain('!macroundef addLangs')
    expect(include).toContain('!insertmacro MUI_LANGUAGEEX "${BUILD_RESOURCES_DIR}\\nsis" "Kazakh"')
    expect(include).toContain('!insertmacro MUI_LANGUAGE "Russian"')
  })

  it('the Kazakh NSIS language file is complete (NLF v6, 1087, every string)', () => {
    const raw = readFileSync('build/nsis/Kazakh.nlf')
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // UTF-8 BOM: NSIS 3 reads it as Unicode
    const lines = raw.toString('utf8').slice(1).split(/\r?\n/)
    expect(lines.slice(0, 4)).toEqual(['# Header, don\'t edit', 'NLF v6', '# Language ID', '1087'])
    const values = lines.filter((l) => l !== '' && !l.startsWith('#'))
    // "NLF v6", id, font, size, codepage, RTL, then the 89 strings NSIS 3 defines
    expect(values.length).toBe(6 + 89)
    expect(values.filter((v) => /[A-Za-z]{4,}/.test(v) && !/NameDA|Name\)|_CLICK|Nullsoft|DLL|OLE/.test(v))).toEqual([])
    const nsh = readFileSync('build/nsis/Kazakh.nsh', 'utf8')
    expect(nsh).toContain('!insertmacro LANGFILE "Kazakh" = "Қазақ тілі" "Qazaq tili"')
    expect(nsh).toContain('MULTIUSER_INNERTEXT_INSTALLMODE_ALLUSERS')
  })
})

function pngSize(path: string): [number, number] {
  const b = readFileSync(path)
  expect(b.subarray(1, 4).toString()).toBe('PNG')
  expect(b.subarray(12, 16).toString()).toBe('IHDR')
  return [b.readUInt32BE(16), b.readUInt32BE(20)]
}

describe('icons', () => {
  it('has the SVG source and PNGs of 16…1024 px for Linux', () => {
    expect(readFileSync('build/icon.svg', 'utf8')).toMatch(/^<svg[^>]+viewBox="0 0 512 512"/)
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(`build/icons/${n}x${n}.png`)).toEqual([n, n])
    expect(pngSize('build/icon.png')).toEqual([1024, 1024])
  })

  it('has an .ico with 16…256 px images for Windows', () => {
    const ico = readFileSync('build/icon.ico')
    expect(ico.readUInt16LE(2)).toBe(1)
    const count = ico.readUInt16LE(4)
    const sizes: number[] = []
    for (let i = 0; i < count; i++) {
      const e = 6 + 16 * i
      const declared = ico.readUInt8(e) || 256
      const offset = ico.readUInt32LE(e + 12)
      const png = ico.subarray(offset, offset + ico.readUInt32LE(e + 8))
      expect(png.subarray(1, 4).toString()).toBe('PNG')
      expect(png.readUInt32BE(16)).toBe(declared)
      sizes.push(declared)
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256])
  })
})

describe('electron-builder --dir --linux over a stand-in Electron', () => {
  let work: string
  let appDir: string
  beforeAll(async () => {
    if (!existsSync('out/main/index.js')) execFileSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { stdio: 'ignore' })
    work = mkdtempSync(join(tmpdir(), 'bq-dist-'))
    const electronDist = join(work, 'electron')
    mkdirSync(join(electronDist, 'locales'), { recursive: true })
    mkdirSync(join(electronDist, 'resources'), { recursive: true })
    fakeElectron(join(electronDist, 'electron'))
    for (const l of ['kk', 'ru', 'en-US', 'de', 'zh-CN']) writeFileSync(join(electronDist, 'locales', `${l}.pak`), 'x')
    writeFileSync(join(electronDist, 'version'), ELECTRON_VERSION)
    // the Node build stands in for the Electron one (same file name and build-info)
    const native = join(work, 'native')
    mkdirSync(native)
    cpSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(native, 'better_sqlite3.node'))
    writeFileSync(join(native, 'build-info.json'), JSON.stringify({ module: 'better-sqlite3', moduleVersion: '12.11.1', electron: ELECTRON_VERSION, abi: '0', platform: process.platform, arch: process.arch, builtAt: '' }))
    const { build, Platform } = req('electron-builder') as typeof import('electron-builder')
    await build({
      projectDir: root,
      targets: Platform.LINUX.createTarget('dir'),
      publish: 'never',
      config: {
        electronDist,
        directories: { output: join(work, 'dist') },
        extraResources: [{ from: native, to: 'native', filter: ['better_sqlite3.node', 'build-info.json'] }],
      },
    })
    appDir = join(work, 'dist', 'linux-unpacked')
  }, 120_000)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('flips the fuses of the packaged executable', async () => {
    const wire = (await getCurrentFuseWire(join(appDir, 'balabaqsha-workstation'))) as unknown as Record<number, number>
    for (const [name, value] of Object.entries(STRICT)) {
      expect([name, wire[FuseV1Options[name as keyof typeof FuseV1Options]]]).toEqual([name, value ? ON : OFF])
    }
  })

  it('ships the Electron native binding, app-update.yml and only our locales', () => {
    expect(readdirSync(join(appDir, 'resources', 'native')).sort()).toEqual(['better_sqlite3.node', 'build-info.json'])
    expect(readFileSync(join(appDir, 'resources', 'app-update.yml'), 'utf8')).toContain('provider: generic')
    expect(readdirSync(join(appDir, 'locales')).sort()).toEqual(['en-US.pak', 'kk.pak', 'ru.pak'])
  })

  it('packs every module the main process requires, with its dependencies, and leaves out the Node build', () => {
    const asar = req('@electron/asar') as typeof import('@electron/asar')
    const archive = join(appDir, 'resources', 'app.asar')
    const files = new Set(asar.listPackage(archive, { isPack: false }).map((f) => f.replace(/\\/g, '/')))
    expect(files.has('/out/main/index.js')).toBe(true)
    expect(files.has('/out/renderer/index.html')).toBe(true)
    expect(files.has('/out/preload/index.js')).toBe(true)
    expect([...files].filter((f) => f.startsWith('/node_modules/better-sqlite3/build'))).toEqual([])

    // the desktop main process: out/main/index.js and the chunks it loads (not cli.js)
    const bare = new Set<string>()
    const seenFiles = new Set<string>()
    const scan = (file: string) => {
      if (seenFiles.has(file)) return
      seenFiles.add(file)
      for (const m of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        const id = m[1]!
        // the demo store (src/main/demo.ts) is loaded lazily, only by `electron . --demo`
        // in an unpackaged checkout; the package ships no central store
        if (/(^|\/)demo-[\w-]+\.js$/.test(id)) continue
        if (id.startsWith('.')) scan(join(file, '..', id))
        else if (!id.startsWith('node:') && !builtinModules.includes(id) && id !== 'electron') bare.add(id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]!)
      }
    }
    scan(join('out', 'main', 'index.js'))
    expect(readFileSync(join('out', 'main', 'index.js'), 'utf8')).toMatch(/Promise\.resolve\(\)\.then\(\(\) => require\("\.\/chunks\/demo-[\w-]+\.js"\)\)/)
    // then their dependencies, resolved the way Node does (nested node_modules first)
    const missing: string[] = []
    const seen = new Set<string>()
    const visit = (name: string, from: string) => {
      let dir = from
      let found: string | null = null
      for (;;) {
        const candidate = `${dir}/node_modules/${name}`
        if (files.has(`${candidate}/package.json`)) {
          found = candidate
          break
        }
        if (dir === '') break
        const up = dir.lastIndexOf('/node_modules/')
        dir = up < 0 ? '' : dir.slice(0, up)
      }
      if (!found) {
        missing.push(`${name} (from ${from || '/'})`)
        return
      }
      if (seen.has(found)) return
      seen.add(found)
      const pkg = JSON.parse(asar.extractFile(archive, `${found.slice(1)}/package.json`).toString()) as { dependencies?: Record<string, string> }
      for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, found)
    }
    for (const name of bare) visit(name, '')
    expect(missing).toEqual([])
    expect([...bare]).toEqual(expect.arrayContaining(['better-sqlite3', 'kysely', 'zod', 'electron-updater']))
  })
})
