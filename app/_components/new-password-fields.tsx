import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { Field, Input } from "./ui/field";

/**
 * A new password typed twice, as every form that sets one asks for it (invitation, reset,
 * change). `chosenPassword` reads the pair back. The forms submit with onSubmit (not a form
 * action), so a mismatch keeps what was typed.
 */
export function NewPasswordFields({
  label = "Password",
  repeatLabel = "Repeat the password",
  idPrefix = "",
  hint = false,
}: {
  label?: string;
  repeatLabel?: string;
  idPrefix?: string;
  hint?: boolean;
}) {
  const hintText = hint
    ? `At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong, memorable password.`
    : undefined;
  return (
    <>
      <Field id={`${idPrefix}password`} label={label} hint={hintText}>
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
      <Field id={`${idPrefix}repeat`} label={repeatLabel}>
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

/** The password from NewPasswordFields, or the message to show when the two differ. */
export function chosenPassword(form: FormData): { password: string } | { error: string } {
  const password = String(form.get("password") ?? "");
  return password === String(form.get("repeat") ?? "") ? { password } : { error: "The two passwords differ." };
}
