/**
 * A real SoftHSM2 token for tests: a temporary SOFTHSM2_CONF and token folder, a token
 * initialised with softhsm2-util, demo keys imported with softhsm2-util --import and their
 * certificates written with pkcs11-tool (the OpenSC tool staff use on real tokens).
 *
 * SoftHSM2 has no PIN retry counter, so `module` is by default a thin PKCS#11 wrapper
 * (pkcs11-pin-counter.c, compiled here with cc) that adds one the way real tokens report
 * it (CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED); `realModule` is SoftHSM2 itself.
 *
 * SoftHSM2 reads SOFTHSM2_CONF at C_Initialize: one token folder per test process.
 */
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import forge from 'node-forge'

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so'

export interface ImportSpec {
  p12: string
  password: string
  /** CKA_ID hex; default: derived from the index */
  id?: string
  label?: string
}

export interface SoftHsmToken {
  /** the module to load (PIN-counting wrapper around SoftHSM2) */
  module: string
  realModule: string
  /** slot id (what `--slot` and Pkcs11Provider accept) */
  slot: number
  label: string
  pin: string
  soPin: string
  /** the token's own folder under the token dir (delete it to "pull the token out") */
  tokenFolder: string
  dir: string
  /** environment for child processes (bq CLI, pkcs11-tool) */
  env: Record<string, string>
  keys: Array<{ id: string; label: string; p12: string }>
  /** reset the PIN retry counter */
  resetPinCounter(): void
  cleanup(): void
}

let shimPath: string | null = null
function buildShim(): string {
  if (shimPath && existsSync(shimPath)) return shimPath
  const root = resolve(__dirname, '../..')
  const src = join(__dirname, 'pkcs11-pin-counter.c')
  const outDir = join(root, 'node_modules/.cache/bq-pkcs11-shim')
  mkdirSync(outDir, { recursive: true })
  const out = join(outDir, 'libbqpincounter.so')
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    const tmp = `${out}.${process.pid}.tmp`
    execFileSync('cc', [
      '-shared',
      '-fPIC',
      '-O2',
      '-o',
      tmp,
      src,
      '-I',
      join(root, 'node_modules/pkcs11js/includes/pkcs11'),
      '-ldl',
    ])
    execFileSync('mv', ['-f', tmp, out])
  }
  shimPath = out
  return out
}

function keyPemFromP12(p12: string, password: string): { keyPem: string; certDer: Buffer } {
  const asn = forge.asn1.fromDer(readFileSync(p12).toString('binary'))
  const pfx = forge.pkcs12.pkcs12FromAsn1(asn, false, password)
  const kb = pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
    forge.pki.oids.pkcs8ShroudedKeyBag!
  ]![0]!
  const cbs = pfx.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]!
  const key = kb.key as forge.pki.rsa.PrivateKey
  const leaf = cbs.find(
    (b) => b.cert && (b.cert.publicKey as forge.pki.rsa.PublicKey).n.equals(key.n),
  )!
  const keyPem = forge.pki.privateKeyInfoToPem(
    forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)),
  )
  const certDer = Buffer.from(
    forge.asn1.toDer(forge.pki.certificateToAsn1(leaf.cert!)).getBytes(),
    'binary',
  )
  return { keyPem, certDer }
}

export function createSoftHsmToken(
  o: { label?: string; pin?: string; keys?: ImportSpec[]; maxPinTries?: number } = {},
): SoftHsmToken {
  const dir = mkdtempSync(join(tmpdir(), 'bq-softhsm-'))
  const tokenDir = join(dir, 'tokens')
  mkdirSync(tokenDir)
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(
    conf,
    `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`,
  )
  const pinState = join(dir, 'pin-failures')
  const env = {
    SOFTHSM2_CONF: conf,
    BQ_PIN_STATE: pinState,
    BQ_PIN_MAX_TRIES: String(o.maxPinTries ?? 3),
    BQ_PIN_REAL_MODULE: SOFTHSM_MODULE,
  }
  Object.assign(process.env, env)
  const label = o.label ?? 'BQ TEST'
  const pin = o.pin ?? '123456'
  const soPin = '87654321'
  const childEnv = { ...process.env, ...env } as NodeJS.ProcessEnv
  const initOut = execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin],
    { env: childEnv, encoding: 'utf8' },
  )
  const m = /reassigned to slot (\d+)/.exec(initOut)
  if (!m) throw new Error(`softhsm2-util: ${initOut}`)
  const slot = Number(m[1])
  const tokenFolder = join(tokenDir, readdirSync(tokenDir)[0]!)

  const keys: SoftHsmToken['keys'] = []
  ;(o.keys ?? []).forEach((k, i) => {
    const id = k.id ?? (0xa1 + i).toString(16).padStart(4, '0')
    const keyLabel = k.label ?? `key${i + 1}`
    const { keyPem, certDer } = keyPemFromP12(k.p12, k.password)
    const keyFile = join(dir, `k${i}.pem`)
    const certFile = join(dir, `c${i}.der`)
    writeFileSync(keyFile, keyPem, { mode: 0o600 })
    writeFileSync(certFile, certDer)
    execFileSync(
      'softhsm2-util',
      ['--import', keyFile, '--token', label, '--label', keyLabel, '--id', id, '--pin', pin],
      { env: childEnv, stdio: 'pipe' },
    )
    rmSync(keyFile)
    execFileSync(
      'pkcs11-tool',
      [
        '--module',
        SOFTHSM_MODULE,
        '--token-label',
        label,
        '--login',
        '--pin',
        pin,
        '--write-object',
        certFile,
        '--type',
        'cert',
        '--id',
        id,
        '--label',
        keyLabel,
      ],
      { env: childEnv, stdio: 'pipe' },
    )
    keys.push({ id, label: keyLabel, p12: k.p12 })
  })

  return {
    module: buildShim(),
    realModule: SOFTHSM_MODULE,
    slot,
    label,
    pin,
    soPin,
    tokenFolder,
    dir,
    env,
    keys,
    resetPinCounter: () => writeFileSync(pinState, '0\n'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
