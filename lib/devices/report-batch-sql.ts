import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { deviceCredentials, devices } from "../db/schema";
import { countHitStatement } from "../rate-limit";
import { pendingCommandsColumn } from "./commands";
import { textArray } from "./measurements";
import type { BatchRequest } from "./report-batch";

// The shared statement of lib/devices/report-batch.ts (docs/decisions/0027) and its parameters.

/** A lock the shared statement waits for longer than this fails it, and its reports go alone. */
const LOCK_TIMEOUT = "100ms";

const p = (name: string) => sql.placeholder(name);

export function buildStatement(db: Db) {
  const req = db.$with("req", { i: sql<number>`i` }).as(sql`
    select * from unnest(${p("b_i")}::int[], ${p("b_credentials")}::text[], ${p("b_devices")}::text[],
                         ${p("b_nonces")}::text[], ${p("b_ts")}::float8[], ${p("b_take")}::boolean[],
                         ${p("b_max")}::int[])
                  as r(i, credential_id, device_id, nonce, ts, take, max)
     -- Before any lock is waited for: every part that may wait reads req first. Local to the
     -- statement's own transaction, so it ends with it.
     where set_config('lock_timeout', '${sql.raw(LOCK_TIMEOUT)}', true) is not null`);
  // Only when the credential and its device are live and the time is within SKEW (`take`).
  const n = db.$with("n", { credentialId: sql<string>`credential_id` }).as(sql`
    insert into request_nonces (credential_id, nonce, request_ts)
    select c.id, req.nonce, to_timestamp(req.ts)
      from req join device_credentials c on c.id = req.credential_id join devices d on d.id = c.device_id
     where c.revoked_at is null and d.released_at is null and req.take
     order by c.id
    on conflict do nothing
    returning credential_id`);
  const used = db.$with("used", { id: sql<string>`id` }).as(sql`
    update device_credentials set last_used_at = now()
     where id in (select credential_id from n)
       and (last_used_at is null or last_used_at <= now() - interval '1 second')
    returning id`);
  const seen = db.$with("seen", { id: sql<string>`id` }).as(sql`
    update devices set last_seen_at = now()
     where id in (select req.device_id from req join n on n.credential_id = req.credential_id)
       and (last_seen_at is null or last_seen_at <= now() - interval '1 second')
    returning id`);
  // A report's, counted only once the nonce was taken and only for a device outside any study.
  const lim = db.$with("lim", { key: sql<string>`key` }).as(
    countHitStatement(
      sql`'ingest:device:' || req.device_id`,
      { windowSeconds: 60 },
      sql`req.max is not null and req.credential_id in (select credential_id from n)
          and (select study_id from devices where id = req.device_id) is null
          order by req.device_id`,
      sql`from req`,
    ),
  );
  // A reading already stored (a resent batch) is a duplicate, counted as its own statement's
  // second way would count it (lib/devices/measurements.ts), and costs the others nothing.
  const ins = db.$with("ins", { deviceId: sql<string>`device_id` }).as(sql`
    insert into measurements (device_id, property, unit, time, value)
    select req.device_id, x.p, x.u, to_timestamp(x.t), x.v
      from unnest(${p("b_rows")}::int[], ${p("b_properties")}::text[], ${p("b_units")}::text[],
                  ${p("b_times")}::float8[], ${p("b_values")}::float8[]) as x(i, p, u, t, v)
      join req on req.i = x.i
      join lim on lim.key = 'ingest:device:' || req.device_id
     where lim.count <= req.max
     order by req.device_id
    on conflict do nothing
    returning device_id`);
  const limOf = (column: string) =>
    sql.raw(`(select ${column} from lim where lim.key = 'ingest:device:' || req.device_id)`);
  // PostgreSQL runs every data-modifying WITH once, read or not.
  return db
    .with(req, n, used, seen, lim, ins)
    .select({
      i: sql<number>`req.i`,
      credential: deviceCredentials,
      device: devices,
      fresh: sql<number | string>`(select count(*)::int from n where n.credential_id = req.credential_id)`,
      fused: {
        count: limOf("count"),
        remaining: limOf("remaining"),
        inserted: sql<number | string>`(select count(*)::int from ins where ins.device_id = req.device_id)`,
        properties: sql`(select properties from device_models where model = ${devices.model})`,
        // A poll's: what its own statement reads (lib/devices/device-api.ts fusedProfile).
        commands: sql`case when req.max is null then ${pendingCommandsColumn(sql.raw("req.device_id"))} end`,
      },
    })
    .from(req)
    .innerJoin(deviceCredentials, sql`${deviceCredentials.id} = req.credential_id`)
    .innerJoin(devices, eq(devices.id, deviceCredentials.deviceId))
    .prepare("verify_report_batch");
}

/** The statement's parameters: one element per report, and the readings of all as flat arrays with their report's index. */
export function parametersOf(batch: { request: BatchRequest }[]) {
  const ints = (xs: (number | null)[]) => `{${xs.map((x) => (x === null ? "NULL" : x)).join(",")}}`;
  const rowIndex: number[] = [];
  const properties: string[] = [];
  const units: (string | null)[] = [];
  const times: string[] = [];
  const values: string[] = [];
  batch.forEach(({ request }, i) => {
    for (const r of request.report.rows) {
      rowIndex.push(i);
      properties.push(r.property);
      units.push(r.unit);
      times.push(String(r.time.getTime() / 1000));
      values.push(String(r.value));
    }
  });
  const requests = batch.map((w) => w.request);
  return {
    b_i: ints(requests.map((_, i) => i)),
    b_credentials: textArray(requests.map((r) => r.credentialId)),
    b_devices: textArray(requests.map((r) => r.deviceId)),
    b_nonces: textArray(requests.map((r) => r.nonce)),
    b_ts: ints(requests.map((r) => r.ts)),
    b_take: `{${requests.map((r) => (r.take ? "t" : "f")).join(",")}}`,
    b_max: ints(requests.map((r) => r.report.perMinute)),
    b_rows: ints(rowIndex),
    b_properties: textArray(properties),
    b_units: textArray(units),
    b_times: `{${times.join(",")}}`,
    b_values: `{${values.join(",")}}`,
  };
}
