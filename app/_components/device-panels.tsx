import { useLocale, useTranslations } from "next-intl";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import { describeAuditEventIn } from "./audit-text";
import { formatValue, propertyLabel } from "./format";
import { Time } from "./time";
import { Badge } from "./ui/badge";

type Reading = { property: string; unit: string | null; time: Date; value: number };
type ActivityEvent = {
  id: number | string;
  at: Date;
  action: string;
  outcome: string;
  actorLabel?: string | null;
  detail?: unknown;
};

/** A device's newest value of each property, as tiles: the first thing its page shows. */
export function LatestValues({ latest, empty, label }: { latest: Reading[]; empty: string; label: string }) {
  const t = useTranslations("charts");
  const locale = useLocale();
  const names = t.raw("properties") as Record<string, string>;
  if (latest.length === 0)
    return (
      <p className="rounded-lg border border-dashed border-line-strong bg-surface px-4 py-6 text-center text-sm text-muted">
        {empty}
      </p>
    );
  return (
    <dl aria-label={label} className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="latest-values">
      {latest.map((r) => (
        <div key={r.property} className="flex flex-col rounded-lg border border-line bg-surface p-4 shadow-xs">
          <dt className="text-xs font-medium text-muted">{propertyLabel(r.property, names)}</dt>
          <dd className="mt-1 text-2xl font-semibold tracking-tight tabular-nums">
            {formatValue(r.value, r.unit, undefined, intlLocale(isLocale(locale) ? locale : "en"))}
          </dd>
          <dd className="mt-1 text-xs text-muted">
            <Time value={r.time} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A device's audit events in words, newest first; a refusal is marked as one. `showActor` adds
 * who did it (the staff view).
 */
export function ActivityList({
  events,
  showActor = false,
  empty,
}: {
  events: ActivityEvent[];
  showActor?: boolean;
  empty: string;
}) {
  const t = useTranslations("charts");
  const words = useTranslations("activity");
  if (events.length === 0) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <ol className="divide-y divide-line rounded-lg border border-line bg-surface" data-testid="device-audit">
      {events.map((e) => (
        <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-4 py-2.5 text-sm">
          <div className="min-w-0 flex-1 basis-60">
            <span data-action={e.action}>
              {describeAuditEventIn(words, e.action, e.detail as Record<string, unknown>, e.outcome)}
            </span>
            {e.outcome !== "success" && (
              <Badge tone="warn" className="ms-2">
                {t("refused")}
              </Badge>
            )}
            {showActor && e.actorLabel && (
              <span className="block text-xs text-muted">{t("by", { actor: e.actorLabel })}</span>
            )}
          </div>
          <span className="text-xs text-muted">
            <Time value={e.at} />
          </span>
        </li>
      ))}
    </ol>
  );
}
