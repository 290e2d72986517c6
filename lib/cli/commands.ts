import { z } from "zod";
import { CLI_ACTOR } from "../audit/record";
import { emailSchema, newUserSchema } from "../accounts/schemas";
import { createUser, findUserByEmail, listUsers, setUserDisabled } from "../accounts/users";
import { resetTwoFactor } from "../auth/two-factor";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { env } from "../env";
import { backupEmbedded, BackupError } from "./backup";
import { firmwareConfig } from "../firmware/config";
import { uploadFirmwareImage } from "../firmware/upload-image";
import { readUpTo } from "./firmware";
import { resealSecrets } from "./reseal";

// The operator commands of `npm run cli`. They run in the CLI process, or, when the app holds
// the embedded database, inside the app through its control socket (control-socket.ts).

export const cliCommandSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("users.add"), user: newUserSchema }),
  z.strictObject({ op: z.literal("users.list") }),
  z.strictObject({ op: z.literal("users.disable"), email: emailSchema }),
  z.strictObject({ op: z.literal("users.enable"), email: emailSchema }),
  z.strictObject({ op: z.literal("keys.reseal") }),
  z.strictObject({ op: z.literal("users.reset-2fa"), email: emailSchema }),
  z.strictObject({ op: z.literal("backup"), file: z.string().min(1).max(4096) }),
  z.strictObject({
    op: z.literal("firmware.upload"),
    model: z.string().max(64),
    version: z.string().max(64),
    sig: z.string().max(200),
    notes: z.string().max(20_000),
    file: z.string().min(1).max(4096),
  }),
]);
export type CliCommand = z.input<typeof cliCommandSchema>;
export type CliResult = { exitCode: number; lines: string[] };

export async function runCliCommand(db: Db, input: unknown): Promise<CliResult> {
  const parsed = cliCommandSchema.safeParse(input);
  if (!parsed.success)
    return { exitCode: 2, lines: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  const cmd = parsed.data;
  try {
    switch (cmd.op) {
      case "users.add": {
        const u = await createUser(db, CLI_ACTOR, cmd.user);
        return { exitCode: 0, lines: [`Created ${u.role} account ${u.email} (${u.id}).`] };
      }
      case "users.list": {
        const all = await listUsers(db);
        if (all.length === 0) return { exitCode: 0, lines: ["No accounts yet."] };
        const rows = all.map((u) => [u.email, u.name, u.role, u.disabledAt ? "disabled" : "active", u.id]);
        const header = ["EMAIL", "NAME", "ROLE", "STATUS", "ID"];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        const fmt = (r: string[]) =>
          r
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
        return { exitCode: 0, lines: [fmt(header), ...rows.map(fmt)] };
      }
      case "keys.reseal": {
        const ring = env().secretKey;
        const r = await resealSecrets(db, ring);
        const lines = [
          `Re-sealed ${r.resealed} secret(s) under key ${ring.current.id}; ${r.alreadyCurrent} already were.`,
        ];
        if (r.unopenable > 0)
          lines.push(
            `${r.unopenable} secret(s) open with no key of CLAIMLINK_SECRET_KEY: their devices must provision again.`,
          );
        else if (ring.all.length > 1) lines.push("The older keys in CLAIMLINK_SECRET_KEY can now be removed.");
        return { exitCode: 0, lines };
      }
      case "users.reset-2fa": {
        const user = await findUserByEmail(db, cmd.email);
        if (!user) return { exitCode: 1, lines: [`No account with the email ${cmd.email}.`] };
        const { sessionsEnded } = await resetTwoFactor(db, CLI_ACTOR, user.id);
        return {
          exitCode: 0,
          lines: [`Reset two-factor sign-in of ${user.email}; ended ${sessionsEnded} session(s).`],
        };
      }
      case "backup": {
        const { bytes } = await backupEmbedded(db, env().dataDir, cmd.file);
        return {
          exitCode: 0,
          lines: [
            `Backed up the database (${(bytes / 1024 / 1024).toFixed(1)} MiB compressed) and its keys to ${cmd.file}.`,
            "Keep the file as safe as the data directory: it holds the password hashes and the keys.",
          ],
        };
      }
      case "firmware.upload": {
        // The app reads the file itself (the control socket carries commands, not images): it
        // runs as the same account, the only one that can open the socket.
        const cfg = firmwareConfig();
        const image = readUpTo(cmd.file, cfg.maxBytes);
        const { file: _file, op: _op, ...meta } = cmd;
        const stored = await uploadFirmwareImage(db, CLI_ACTOR, { ...meta, image }, cfg);
        return {
          exitCode: 0,
          lines: [
            stored.sha256,
            `Uploaded ${stored.model} ${stored.version}: ${stored.size} bytes, signed by firmware key ${stored.kid}.`,
          ],
        };
      }
      case "users.disable":
      case "users.enable": {
        const user = await findUserByEmail(db, cmd.email);
        if (!user) return { exitCode: 1, lines: [`No account with the email ${cmd.email}.`] };
        const disable = cmd.op === "users.disable";
        await setUserDisabled(db, CLI_ACTOR, user.id, disable);
        return {
          exitCode: 0,
          lines: [`${disable ? "Disabled" : "Enabled"} ${user.email}.${disable ? " Its sessions have ended." : ""}`],
        };
      }
    }
  } catch (err) {
    if (err instanceof AppError)
      return { exitCode: 1, lines: [cmd.op.startsWith("firmware.") ? `${err.code}: ${err.detail}` : err.detail] };
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && cmd.op === "firmware.upload")
      return { exitCode: 1, lines: [`No file ${cmd.file}.`] };
    if (err instanceof BackupError) return { exitCode: 1, lines: [err.message] };
    throw err;
  }
}
