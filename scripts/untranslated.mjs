// Pages and components whose words are not yet in messages/*.json (docs/i18n.md): the only files
// the literal-text lint rule (eslint.config.mjs) skips. Translating one removes it from here.
export const UNTRANSLATED = [];
