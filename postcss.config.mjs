// Tailwind CSS v4 through its PostCSS plugin: works with Next's Turbopack build, offline
// (docs/decisions/0013-design-system.md).
const config = { plugins: { "@tailwindcss/postcss": {} } };
export default config;
