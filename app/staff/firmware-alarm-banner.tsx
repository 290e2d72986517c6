import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { firmwareAlarms } from "@/lib/firmware/update-api";
import { Notice } from "../_components/ui/notice";

/**
 * The bad_signature alarms (docs/protocol.md section 7, SECURITY.md) on every console page until
 * staff acknowledge each on its device's page: a device refused an update no key it trusts signed.
 */
export async function FirmwareAlarmBanner() {
  const { total, alarms } = await firmwareAlarms();
  if (total === 0) return null;
  const t = await getTranslations("staffConsole.firmwareAlarm");
  return (
    <div className="px-4 pt-4 sm:px-6" data-testid="firmware-alarm-banner">
      <Notice tone="danger" role="alert" title={t("title", { total })}>
        <p>{t("text")}</p>
        <ul className="mt-1 list-disc ps-5">
          {alarms.slice(0, 5).map((a) => (
            <li key={a.commandId}>
              <Link href={`/staff/devices/${a.deviceId}`}>{a.deviceName}</Link>{" "}
              <span className="text-muted">{t("device", { model: a.model, version: a.version })}</span>
            </li>
          ))}
        </ul>
      </Notice>
    </div>
  );
}
