import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import nextPlugin from "@next/eslint-plugin-next";
import { UNTRANSLATED } from "./scripts/untranslated.mjs";

/** Props whose text a person reads or hears. */
const READ_PROPS = "label|title|description|placeholder|aria-label|hint|alt|none|text|confirm|cancel";

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
  {
    // Words a person reads come from the catalogs (messages/*.json, docs/i18n.md), never a literal
    // in JSX: text between tags, and the props that are read or spoken (label, title, hint, …).
    // UNTRANSLATED lists the pages not yet in the catalogs; it only shrinks.
    files: ["app/**/*.tsx"],
    ignores: UNTRANSLATED.map((file) => file.replace(/[[\]()]/g, "\\$&")),
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXText[value=/[A-Za-z]{2,}/]",
          message: "Person-facing text comes from messages/*.json (useTranslations / getTranslations).",
        },
        {
          selector: `JSXAttribute[name.name=/^(${READ_PROPS})$/] > Literal[value=/[A-Za-z]{2,}/]`,
          message: "Person-facing text comes from messages/*.json (useTranslations / getTranslations).",
        },
        {
          selector: `JSXAttribute[name.name=/^(${READ_PROPS})$/] > JSXExpressionContainer > Literal[value=/[A-Za-z]{2,}/]`,
          message: "Person-facing text comes from messages/*.json (useTranslations / getTranslations).",
        },
      ],
    },
  },
);
