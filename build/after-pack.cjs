// electron-builder afterPack hook: runs on the unpacked app (after app.asar and the extra
// resources are in place, before signing and before the installer is made).
//   1. flips the Electron fuses of build/fuses.cjs into the executable and reads them back;
//   2. refuses to package without the Electron build of better-sqlite3 (resources/native).
const { existsSync, readFileSync } = require('node:fs')
const { join } = require('node:path')
const { flipFuses, getCurrentFuseWire, FuseV1Options } = require('@electron/fuses')
const { FUSES, fuseConfig } = require('./fuses.cjs')

const ENABLE = 49 // '1'
const DISABLE = 48 // '0'

/** The Electron executable inside electron-builder's unpacked output. */
function electronExecutable(context) {
  const { appOutDir, electronPlatformName, packager } = context
  const productFilename = packager.appInfo.productFilename
  switch (electronPlatformName) {
    case 'win32':
      return join(appOutDir, `${productFilename}.exe`)
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${productFilename}.app`)
    default:
      return join(appOutDir, packager.executableName)
  }
}

function resourcesDir(context) {
  const { appOutDir, electronPlatformName, packager } = context
  return electronPlatformName === 'darwin' || electronPlatformName === 'mas'
    ? join(appOutDir, `${packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
    : join(appOutDir, 'resources')
}

async function applyFuses(executable) {
  await flipFuses(executable, { ...fuseConfig(), resetAdHocDarwinSignature: executable.endsWith('.app') && process.arch === 'arm64' })
  const wire = await getCurrentFuseWire(executable)
  for (const [name, value] of Object.entries(FUSES)) {
    const actual = wire[FuseV1Options[name]]
    if (actual !== (value ? ENABLE : DISABLE)) {
      throw new Error(`afterPack: fuse ${name} is ${String(actual)} in ${executable}, expected ${value ? 'enabled' : 'disabled'}`)
    }
  }
  return wire
}

function checkNativeBinding(context) {
  const dir = join(resourcesDir(context), 'native')
  const binding = join(dir, 'better_sqlite3.node')
  const infoFile = join(dir, 'build-info.json')
  if (!existsSync(binding) || !existsSync(infoFile)) {
    throw new Error(`afterPack: ${binding} is missing: run node scripts/rebuild-electron.mjs first (npm run dist does)`)
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8'))
  const electron = context.packager.info.framework.version
  if (info.electron !== electron) {
    throw new Error(`afterPack: the better-sqlite3 build is for Electron ${info.electron}, the app packages Electron ${electron}`)
  }
  return info
}

async function afterPack(context) {
  checkNativeBinding(context)
  const executable = electronExecutable(context)
  await applyFuses(executable)
  console.log(`  • fuses set (${Object.entries(FUSES).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`).join(', ')})  file=${executable}`)
}

module.exports = afterPack
module.exports.default = afterPack
module.exports.applyFuses = applyFuses
module.exports.electronExecutable = electronExecutable
module.exports.checkNativeBinding = checkNativeBinding
