import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "./lib/http/csp";
import { strictTransportSecurity } from "./lib/http/transport";
import { env } from "./lib/env";

// Gives every page a fresh CSP nonce, and HSTS when the public URL is https. API routes answer
// JSON and are left alone (a browser keeps HSTS for the whole host once any page set it).
export function proxy(request: NextRequest) {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  const hsts = strictTransportSecurity(env().publicUrl);
  if (hsts) response.headers.set("Strict-Transport-Security", hsts);
  return response;
}

export const config = {
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico).*)" }],
};
