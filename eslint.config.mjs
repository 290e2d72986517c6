import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import nextPlugin from "@next/eslint-plugin-next";

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".data/**", "e2e/.tmp/**", "drizzle/**", "next-env.d.ts", "public/**", "test-results/**", "playwright-report/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Route code reaches data through lib/<domain>, never the database module directly.
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["drizzle-orm", "drizzle-orm/*"], message: "app/ reaches data through lib/<domain>." },
        { group: ["@/lib/db", "@/lib/db/*"], message: "app/ reaches data through lib/<domain>." },
      ] }],
    },
  },
  {
    // The protocol, devices and crypto are tested directly against the databases, without a web server.
    files: ["lib/provisioning/**/*.ts", "lib/devices/**/*.ts", "lib/crypto/**/*.ts"],
    ignores: ["lib/devices/api.ts", "lib/provisioning/api.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["next", "next/*", "next-auth", "next-auth/*"], message: "Domain code does not depend on Next.js." }] }],
    },
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", fetch: "readonly" } },
  },
);
