/**
 * The Content-Security-Policy of every page: scripts only from our origin with this request's
 * nonce (Next.js puts the nonce on its own scripts when it sees it in the request's CSP).
 * Images allow data: (QR codes).
 *
 * Styles keep 'unsafe-inline', on purpose for now: fifteen server-rendered React `style={{…}}`
 * props become HTML style attributes, which a nonce cannot cover (CSP nonces apply to <style>
 * elements only; attributes would need 'unsafe-hashes' with one hash per value). Removing it
 * means moving those styles into globals.css classes first. Scripts are what an injected style
 * could not replace: script-src has no 'unsafe-inline'.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
