import { useTranslations } from "next-intl";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { Field, Input } from "./ui/field";

/**
 * A new password typed twice, as every form that sets one asks for it (invitation, reset,
 * change). `useChosenPassword` reads the pair back. The forms submit with onSubmit (not a form
 * action), so a mismatch keeps what was typed; they set noValidate, so the rules are told in
 * the page's language rather than the browser's.
 */
export function NewPasswordFields({
  label,
  repeatLabel,
  idPrefix = "",
  hint = false,
}: {
  label?: string;
  repeatLabel?: string;
  idPrefix?: string;
  hint?: boolean;
}) {
  const t = useTranslations("password");
  const hintText = hint ? t("hint", { min: PASSWORD_MIN_LENGTH }) : undefined;
  return (
    <>
      <Field id={`${idPrefix}password`} label={label ?? t("label")} hint={hintText}>
        <Input
          id={`${idPrefix}password`}
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
          required
          aria-describedby={hint ? `${idPrefix}password-hint` : undefined}
        />
      </Field>
      <Field id={`${idPrefix}repeat`} label={repeatLabel ?? t("repeat")}>
        <Input
          id={`${idPrefix}repeat`}
          name="repeat"
          type="password"
          autoComplete="new-password"
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
          required
        />
      </Field>
    </>
  );
}

export type ChosenPassword = { password: string } | { error: string };

/**
 * Reads NewPasswordFields back: the password, or the message (in the reader's language) when it
 * is missing, breaks the length rules the server enforces, or the two differ.
 */
export function useChosenPassword(): (form: FormData) => ChosenPassword {
  const t = useTranslations("password");
  return (form) => {
    const password = String(form.get("password") ?? "");
    if (!password) return { error: t("missing") };
    if (password.length < PASSWORD_MIN_LENGTH) return { error: t("tooShort", { min: PASSWORD_MIN_LENGTH }) };
    if (password.length > PASSWORD_MAX_LENGTH) return { error: t("tooLong", { max: PASSWORD_MAX_LENGTH }) };
    return password === String(form.get("repeat") ?? "") ? { password } : { error: t("mismatch") };
  };
}

/** The password from NewPasswordFields, or the message to show when the two differ (pages not yet translated). */
export function chosenPassword(form: FormData): ChosenPassword {
  const password = String(form.get("password") ?? "");
  return password === String(form.get("repeat") ?? "") ? { password } : { error: "The two passwords differ." };
}
