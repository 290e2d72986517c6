import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";

/**
 * A new password typed twice, as every form that sets one asks for it (invitation, reset,
 * change). `chosenPassword` reads the pair back.
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
  const field = (id: string, name: string, text: string) => (
    <>
      <label htmlFor={`${idPrefix}${id}`}>{text}</label>
      <input
        id={`${idPrefix}${id}`}
        name={name}
        type="password"
        autoComplete="new-password"
        minLength={PASSWORD_MIN_LENGTH}
        maxLength={PASSWORD_MAX_LENGTH}
        required
      />
    </>
  );
  return (
    <>
      {field("password", "password", label)}
      {hint && (
        <p className="muted small">
          At least {PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong, memorable password.
        </p>
      )}
      {field("repeat", "repeat", repeatLabel)}
    </>
  );
}

/** The password from NewPasswordFields, or the message to show when the two differ. */
export function chosenPassword(form: FormData): { password: string } | { error: string } {
  const password = String(form.get("password") ?? "");
  return password === String(form.get("repeat") ?? "") ? { password } : { error: "The two passwords differ." };
}
