/**
 * Known PKCS#11 modules of the tokens used in Kazakhstan. The module path is a setting;
 * these are the defaults offered in the key dialog. `verified` says whether the path was
 * confirmed from public sources (vendor packages, other projects' configs); unverified
 * paths are best guesses that the deployer must check on a real installation
 * (docs/eds.md, "Token modules").
 */
export interface Pkcs11ModuleInfo {
  id: 'kaztoken' | 'etoken' | 'jacarta' | 'idcard' | 'softhsm'
  name: { kk: string; ru: string }
  windows: string | null
  linux: string | null
  verified: boolean
  note: string
}

export const PKCS11_MODULES: readonly Pkcs11ModuleInfo[] = [
  {
    id: 'kaztoken',
    name: { kk: 'Қазтокен', ru: 'Казтокен' },
    windows: 'C:\\Windows\\System32\\kztoken.dll',
    linux: '/usr/lib/libkztoken.so',
    verified: false,
    note: 'NCALayer drives Kaztoken through its own bundled provider; the vendor PKCS#11 library name was not found in public sources.',
  },
  {
    id: 'etoken',
    name: { kk: 'eToken (SafeNet)', ru: 'eToken (SafeNet)' },
    windows: 'C:\\Windows\\System32\\eTPKCS11.dll',
    linux: '/usr/lib/libeTPkcs11.so',
    verified: true,
    note: 'SafeNet Authentication Client; some distributions install /usr/lib64/libeTPkcs11.so.',
  },
  {
    id: 'jacarta',
    name: { kk: 'JaCarta', ru: 'JaCarta' },
    windows: 'C:\\Windows\\System32\\jcPKCS11-2.dll',
    linux: '/usr/lib/libjcPKCS11-2.so',
    verified: true,
    note: 'Aladdin JaCarta PKCS#11 library (package libjcpkcs11).',
  },
  {
    id: 'idcard',
    name: { kk: 'Жеке куәлік', ru: 'Удостоверение личности' },
    windows: null,
    linux: null,
    verified: false,
    note: 'The ID card is used through NCALayer; no public PKCS#11 module path was found. Enter the path supplied with the card reader software.',
  },
  {
    id: 'softhsm',
    name: { kk: 'SoftHSM2 (тест)', ru: 'SoftHSM2 (тест)' },
    windows: 'C:\\SoftHSM2\\lib\\softhsm2-x64.dll',
    linux: '/usr/lib/softhsm/libsofthsm2.so',
    verified: true,
    note: 'Software token for tests and demos (Debian package softhsm2).',
  },
]

/** The default module path of a token type on this platform, or null. */
export function defaultModulePath(
  id: Pkcs11ModuleInfo['id'],
  platform: NodeJS.Platform = process.platform,
): string | null {
  const m = PKCS11_MODULES.find((x) => x.id === id)
  if (!m) return null
  return platform === 'win32' ? m.windows : m.linux
}
