/**
 * The browser and system a User-Agent string names, for a page to word in its reader's language:
 * `browser` null for no User-Agent at all, "Browser" for one it does not know.
 */
export function userAgentParts(ua: string | null): { browser: string | null; os: string | null } {
  if (!ua) return { browser: null, os: null };
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /(Chrome|Chromium|CriOS)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : /curl\//.test(ua)
            ? "curl"
            : "Browser";
  const os = /iPhone|iPad|iPod/.test(ua)
    ? "iOS"
    : /Android/.test(ua)
      ? "Android"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  return { browser, os };
}

/** A short human description of a User-Agent string, in English, e.g. "Firefox on Android". */
export function describeUserAgent(ua: string | null): string {
  const { browser, os } = userAgentParts(ua);
  if (!browser) return "Unknown browser";
  return os ? `${browser} on ${os}` : browser;
}
