import { ROLES } from "../auth/roles";
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/password";
import { hasNoControlChars, parseOrThrow } from "../errors/validate";
import { idSchema } from "../ids";
import { LOCALES } from "../i18n/locales";

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email("is not a valid email address"))
  .transform((s) => s.toLowerCase());

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .refine(hasNoControlChars, "must not contain control characters");

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const newUserSchema = z.strictObject({
  email: emailSchema,
  name: displayNameSchema,
  role: roleSchema.default("participant"),
  password: passwordSchema,
});

export const invitationInputSchema = z
  .strictObject({
    email: emailSchema,
    name: displayNameSchema,
    role: roleSchema.default("participant"),
    // A participant's invitation may name a study (docs/studies.md); staff, support and
    // researcher invitations never do.
    studyId: idSchema("stu").optional(),
    // The language of the invitation mail (no account holds one yet); else CLAIMLINK_DEFAULT_LOCALE.
    locale: z.enum(LOCALES).optional(),
  })
  .refine((i) => !i.studyId || i.role === "participant", {
    message: "only a participant's invitation names a study",
    path: ["studyId"],
  });

export const invitationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "is not an invitation token");

export const resetTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "is not a reset token");

export const acceptResetSchema = z.strictObject({
  token: resetTokenSchema,
  password: passwordSchema,
});

export const resetRequestSchema = z.strictObject({ email: emailSchema });

export const changePasswordSchema = z.strictObject({
  current: z.string().min(1, "is required").max(256),
  password: passwordSchema,
});

export const profileChangeSchema = z.strictObject({ name: displayNameSchema });

/** A TOTP code or a recovery code, as typed. */
export const codeSchema = z.strictObject({ code: z.string().trim().min(6, "is required").max(40) });

export const acceptInvitationSchema = z.strictObject({
  token: invitationTokenSchema,
  password: passwordSchema,
});

/** One change per request, so a request is applied whole or not at all. */
export const accountChangeSchema = z.union([
  z.strictObject({ disabled: z.boolean() }),
  z.strictObject({ role: roleSchema }),
]);

export const accountSearchSchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
});

export type NewUser = z.infer<typeof newUserSchema>;
export type InvitationInput = z.infer<typeof invitationInputSchema>;
export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;

// Parsers for the edges (routes, the CLI, tests): `invalid_request` listing each field's problem.
export const newUser = (input: unknown): NewUser => parseOrThrow(newUserSchema, input);
export const invitationInput = (input: unknown): InvitationInput => parseOrThrow(invitationInputSchema, input);
export const acceptInput = (input: unknown): AcceptInvitationInput => parseOrThrow(acceptInvitationSchema, input);

/** "Delete my account": the current password confirms it (a session alone is not enough). */
export const deleteMyAccountSchema = z.strictObject({ password: z.string().min(1, "is required").max(256) });
