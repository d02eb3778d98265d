// Electron fuses flipped into the packaged binary by build/after-pack.cjs. One place, so
// test/delivery/packaging.test.ts can check that none is loosened.
// https://www.electronjs.org/docs/latest/tutorial/fuses
const { FuseV1Options } = require('@electron/fuses')

/** name -> value; every fuse @electron/fuses knows is listed explicitly */
const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general Node interpreter
  RunAsNode: false,
  // cookies and local storage on disk encrypted with an OS-protected key
  EnableCookieEncryption: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS-style injection into the main process
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect / --inspect-brk: a debugger on the main process
  EnableNodeCliInspectArguments: false,
  // app.asar checked against the hash embedded at packaging (Windows, macOS)
  EnableEmbeddedAsarIntegrityValidation: true,
  // never load app code from a loose app/ folder beside app.asar
  OnlyLoadAppFromAsar: true,
  // no custom V8 snapshot for the browser process
  LoadBrowserProcessSpecificV8Snapshot: false,
  // file:// pages get no extra privileges (the renderer is served from app://)
  GrantFileProtocolExtraPrivileges: false,
})

/** The config object @electron/fuses' flipFuses expects (numeric fuse indexes). */
function fuseConfig() {
  const { FuseVersion } = require('@electron/fuses')
  const config = { version: FuseVersion.V1 }
  for (const [name, value] of Object.entries(FUSES)) {
    const index = FuseV1Options[name]
    if (typeof index !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}`)
    config[index] = value
  }
  return config
}

module.exports = { FUSES, fuseConfig }
