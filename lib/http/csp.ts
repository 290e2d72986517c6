/**
 * The Content-Security-Policy of every page: scripts only from our origin with this request's
 * nonce (Next.js puts the nonce on its own scripts when it sees it in the request's CSP).
 * Images allow data: (QR codes).
 *
 * Styles (docs/decisions/0013-design-system.md): style sheets from our origin, and <style>
 * elements only with the nonce (Radix adds one while a dialog locks scrolling; it is handed the
 * nonce in app/_components/ui/radix-nonce.ts). Style *attributes* are allowed
 * (`style-src-attr 'unsafe-inline'`): server-rendered React `style` props and Radix's
 * positioning become attributes, which no nonce can cover. An attribute cannot hold a selector,
 * so an injected one can restyle an element but cannot read the page (the attribute-selector
 * leaks an injected <style> could make stay refused).
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // In development Next injects its own <style> elements without a nonce (the error overlay).
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "style-src-attr 'unsafe-inline'",
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
