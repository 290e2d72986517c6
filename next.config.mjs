import createNextIntlPlugin from "next-intl/plugin";
import { SECURITY_HEADERS } from "./scripts/security-headers.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its wasm and data files by path; bundling it breaks that under webpack.
  serverExternalPackages: ["@electric-sql/pglite", "nodemailer"],
  poweredByHeader: false,
  async rewrites() {
    // docs/protocol.md section 6: the server's published keys live at a well-known address.
    return [{ source: "/.well-known/claimlink", destination: "/api/well-known/claimlink" }];
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: SECURITY_HEADERS,
      },
    ];
  },
};
// next-intl: the request's language and catalog (i18n/request.ts, docs/i18n.md).
export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
