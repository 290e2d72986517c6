// Pages and components whose words are not yet in messages/*.json (docs/i18n.md): the only files
// the literal-text lint rule (eslint.config.mjs) skips. Translating one removes it from here.
export const UNTRANSLATED = [
  "app/staff/studies/[studyId]/consent-sections.tsx",
  "app/staff/studies/[studyId]/intake-sections.tsx",
  "app/staff/studies/[studyId]/page.tsx",
  "app/staff/studies/[studyId]/study-sections.tsx",
  "app/staff/studies/new/page.tsx",
  "app/staff/studies/page.tsx",
  "app/staff/studies/study-form.tsx",
];
