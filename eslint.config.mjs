import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import nextPlugin from "@next/eslint-plugin-next";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "e2e/.tmp/**",
      "drizzle/**",
      "next-env.d.ts",
      "public/**",
      "test-results/**",
      "playwright-report/**",
      "firmware/**",
    ],
  },
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
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["drizzle-orm", "drizzle-orm/*"], message: "app/ reaches data through lib/<domain>." },
            { group: ["@/lib/db", "@/lib/db/*"], message: "app/ reaches data through lib/<domain>." },
          ],
        },
      ],
    },
  },
  {
    // The domain never depends on the web framework, so it is tested directly against the
    // databases: only lib/auth (sessions through next-auth) and lib/http (route wrappers) may
    // import Next.js. lib/http/device-route-graph.test.ts checks the device path transitively.
    files: ["lib/**/*.ts"],
    ignores: ["lib/auth/**", "lib/http/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["next", "next/*", "next-auth", "next-auth/*", "@auth/*"],
              message: "Only lib/http and lib/auth depend on Next.js.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        fetch: "readonly",
        Buffer: "readonly",
        Headers: "readonly",
        Request: "readonly",
        AbortController: "readonly",
      },
    },
  },
);
