// What the public URL's scheme decides (SECURITY.md "Deploying with TLS"). Behind a TLS proxy
// the app itself sees plain HTTP, so the configured public URL decides, never a proxy header.

/** True when people reach the app over https. */
export function servedOverHttps(publicUrl: string): boolean {
  return new URL(publicUrl).protocol === "https:";
}

/** The Strict-Transport-Security value for pages when the public URL is https (one year), else null. */
export function strictTransportSecurity(publicUrl: string): string | null {
  return servedOverHttps(publicUrl) ? "max-age=31536000; includeSubDomains" : null;
}

/** Warnings to print when the server starts. */
export function transportWarnings(publicUrl: string, nodeEnv: string): string[] {
  if (nodeEnv !== "production" || servedOverHttps(publicUrl)) return [];
  return [
    `[config] CLAIMLINK_PUBLIC_URL is ${publicUrl}: over plain HTTP passwords, session cookies and claim ` +
      `codes cross the network readable. Put the app behind TLS and set an https:// public URL (SECURITY.md).`,
  ];
}
