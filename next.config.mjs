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
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(self), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};
export default nextConfig;
