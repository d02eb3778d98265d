/** Object identifiers used by NCA certificates and our CMS. */
export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha256: '2.16.840.1.101.3.4.2.1',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // names
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  givenName: '2.5.4.42',
  email: '1.2.840.113549.1.9.1',
  // extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  crlNumber: '2.5.29.20',
  // EKU
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  // AIA
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  sha1: '1.3.14.3.2.26',
} as const

/**
 * NCA role OIDs carried in the extended key usage (domain.md "Identity and signatures").
 * Roles are read from the EKU, not the policy OIDs.
 */
export const ROLE_OIDS = {
  individual: '1.2.398.3.3.4.1.1',
  employee: '1.2.398.3.3.4.1.2',
  first_head: '1.2.398.3.3.4.1.2.1',
  sign_right: '1.2.398.3.3.4.1.2.2',
  sign_financial: '1.2.398.3.3.4.1.2.3',
  hr: '1.2.398.3.3.4.1.2.4',
  staff_member: '1.2.398.3.3.4.1.2.5',
} as const

export type Role = keyof typeof ROLE_OIDS

export const ROLE_BY_OID: Record<string, Role> = Object.fromEntries(
  Object.entries(ROLE_OIDS).map(([k, v]) => [v, k as Role]),
)

/** NCA certificate policy OIDs (informational; roles come from the EKU). */
export const NCA_POLICY = {
  individualSign: '1.2.398.3.3.2.3',
  individualAuth: '1.2.398.3.3.2.4',
  legalSign: '1.2.398.3.3.2.1',
  legalAuth: '1.2.398.3.3.2.2',
} as const

/** RFC 5280 keyUsage bit names in bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const
export type KeyUsage = (typeof KEY_USAGE_BITS)[number]
