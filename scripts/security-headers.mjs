// Headers on every answer, pages and API alike: next.config.mjs sets them on what Next serves,
// scripts/direct-routes.mjs on what the server answers itself.
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(self), microphone=(), geolocation=()" },
];
