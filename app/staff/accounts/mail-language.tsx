"use client";

import { useTranslations } from "next-intl";
import type { Locale } from "@/lib/i18n/locales";
import { Field, Select } from "../../_components/ui/field";

/**
 * The language of an invitation mail, sent as `locale` (empty: the server's default, named
 * here). The invitation keeps it, so a renewed link is mailed in it too.
 */
export function MailLanguageSelect({
  id,
  defaultLocale,
  className,
  value,
  onChange,
}: {
  id: string;
  defaultLocale: Locale;
  className?: string;
  value?: string;
  onChange?: (locale: string) => void;
}) {
  const t = useTranslations("staffAccounts");
  return (
    <Field id={id} label={t("invite.language")} className={className}>
      <Select
        id={id}
        name="locale"
        {...(onChange ? { value, onChange: (e) => onChange(e.target.value) } : { defaultValue: "" })}
      >
        <option value="">{t("invite.languageDefault", { language: t(`languages.${defaultLocale}`) })}</option>
        <option value="nl">{t("languages.nl")}</option>
        <option value="en">{t("languages.en")}</option>
      </Select>
    </Field>
  );
}
