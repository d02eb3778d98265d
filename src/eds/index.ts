/**
 * Electronic signatures (NCA keys): the public API for the workstation backend, the central
 * store and the CLI. See docs/eds.md.
 */
export {
  describeCertificate,
  parseCertificate,
  certificatesFromPemOrDer,
  toPem,
} from './certificate'
export type { CertificateInfo, Purpose } from './certificate'
export { ROLE_OIDS, OID } from './oids'
export type { Role } from './oids'
export type { KeyEntry, KeyProvider, SignOptions } from './provider'
export { keyForPurpose, wipe } from './provider'
export { Pkcs12Provider } from './p12'
export { Pkcs11Provider, listTokens } from './pkcs11'
export { NcaLayerProvider, NCALAYER_URL } from './ncalayer'
export type { NcaLayerOptions } from './ncalayer'
export type { Pkcs11OpenOptions, TokenSlot } from './pkcs11'
export { PKCS11_MODULES, defaultModulePath } from './pkcs11-modules'
export { buildSignedData, parseCms } from './cms'
export { TrustStore, loadTrustStore } from './trust'
export { verifyCms } from './verify'
export { verifyXmlSignature, signXml, XMLDSIG } from './xmldsig'
export type { XmlVerifyOptions, XmlSignOptions } from './xmldsig'
export { gostHash94, GOST_OID } from './gost'
export type { VerifyOptions, VerifyReport, Expectation, ChainEntry, CheckName } from './verify'
export type { RevocationOptions, RevocationResult, RevocationStatus } from './revocation'
export { createSignInChallenge, signSignInChallenge, verifySignInProof } from './signin'
export type { SignInChallenge, SignInResult, VerifySignInOptions } from './signin'
export { ACT_ROLES, verifyLegalAct } from './acts'
export type { LegalAct, VerifyActOptions } from './acts'
export { startOcspResponder, startDemoOcspResponder } from './ocsp-responder'
