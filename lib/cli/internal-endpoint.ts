import { appDatabase } from "../db/client";
import { safeEqual } from "../crypto/tokens";
import { env } from "../env";
import { isLoopback, peerAddress } from "../http/client-ip";
import { AppError } from "../errors/app-error";
import { bearerToken } from "../http/request";
import { runCliCommand, type CliResult } from "./commands";

/**
 * Runs a CLI command inside the app that holds the embedded database. Only on the embedded
 * default, only from loopback, only with the token from the data directory's secrets.json.
 */
export async function runCliRequest(headers: Headers, body: unknown): Promise<CliResult> {
  const e = env();
  const token = bearerToken(headers.get("authorization"));
  if (e.DATABASE_URL || !isLoopback(peerAddress(headers)) || !safeEqual(token, e.cliToken)) {
    throw new AppError("not_found", "Not found.");
  }
  const database = await appDatabase();
  return runCliCommand(database.db, body);
}
