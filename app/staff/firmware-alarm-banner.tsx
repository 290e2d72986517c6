import Link from "next/link";
import { firmwareAlarms } from "@/lib/firmware/update-api";
import { Notice } from "../_components/ui/notice";

/**
 * The bad_signature alarms (docs/protocol.md section 7, SECURITY.md) on every console page until
 * staff acknowledge each on its device's page: a device refused an update no key it trusts signed.
 */
export async function FirmwareAlarmBanner() {
  const { total, alarms } = await firmwareAlarms();
  if (total === 0) return null;
  return (
    <div className="px-4 pt-4 sm:px-6" data-testid="firmware-alarm-banner">
      <Notice
        tone="danger"
        role="alert"
        title={
          total === 1
            ? "A device refused a firmware update's signature"
            : `${total} devices refused a firmware update's signature`
        }
      >
        <p>
          Their update commands carried a signature no firmware key they trust made: something altered the command or
          the image. Devices kept their firmware. Acknowledge each on its page once checked.
        </p>
        <ul className="mt-1 list-disc ps-5">
          {alarms.slice(0, 5).map((a) => (
            <li key={a.commandId}>
              <Link href={`/staff/devices/${a.deviceId}`}>{a.deviceName}</Link>{" "}
              <span className="text-muted">
                ({a.model}, update to {a.version})
              </span>
            </li>
          ))}
        </ul>
      </Notice>
    </div>
  );
}
