/**
 * The renderer's Content-Security-Policy, sent as a header by both the Electron `app://`
 * protocol handler and the web host. Styles allow 'unsafe-inline' because Ant Design
 * injects its CSS-in-JS style elements at run time; scripts never do.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
