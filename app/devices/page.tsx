import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import { requireUserPage } from "@/lib/auth/current";
import { myDevices } from "@/lib/devices/owner-api";
import type { DeviceSummary } from "@/lib/devices/views";
import { listMyStudies } from "@/lib/studies/participant-api";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import { agoParts, formatValue, propertyLabel } from "../_components/format";
import { StatusBadge } from "../_components/status-badge";
import { Time } from "../_components/time";
import { ButtonLink } from "../_components/ui/button";
import { EmptyState } from "../_components/ui/empty-state";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { StudyChecklist } from "./study-checklist";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("devices"))("title") };
}

export default async function DevicesPage() {
  const user = await requireUserPage("/devices");
  const [{ owned, shared, released }, studies] = await Promise.all([myDevices(user), listMyStudies(user)]);
  const t = await getTranslations("devices");
  const active = studies.filter((s) => !s.withdrawnAt && (s.status === "recruiting" || s.status === "running"));
  return (
    <Main width="wide">
      <PageHeader
        title={t("title")}
        actions={
          <ButtonLink href="/claim">
            <Plus aria-hidden="true" className="size-4" />
            {t("claim")}
          </ButtonLink>
        }
      />
      {active.length > 0 && (
        <section aria-labelledby="studies-head" className="mb-8">
          <h2 id="studies-head" className="mb-3 text-lg font-semibold">
            {t("yourStudies", { count: active.length })}
          </h2>
          <div className="grid gap-3 lg:grid-cols-2">
            {active.map((s) => (
              <StudyChecklist key={s.studyId} study={s} />
            ))}
          </div>
        </section>
      )}
      {active.length > 0 && (
        <h2 className="mb-3 text-lg font-semibold" id="devices-head">
          {t("devicesHeading")}
        </h2>
      )}
      {owned.length === 0 ? (
        <EmptyState
          title={t("emptyTitle")}
          data-testid="empty-devices"
          action={<ButtonLink href="/claim">{t("claim")}</ButtonLink>}
        >
          {t.rich("empty", { strong: (c) => <strong>{c}</strong> })}
        </EmptyState>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="device-list">
          {owned.map((d) => (
            <DeviceCard key={d.id} d={d} />
          ))}
        </ul>
      )}

      {shared.length > 0 && (
        <section aria-labelledby="shared-head" className="mt-10">
          <h2 id="shared-head" className="text-lg font-semibold">
            {t("sharedTitle")}
          </h2>
          <p className="mt-1 mb-3 text-sm text-muted">{t("sharedText")}</p>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="shared-list">
            {shared.map((d) => (
              <DeviceCard key={d.id} d={d} level={3} note={t("sharedBy", { name: d.ownerName })} />
            ))}
          </ul>
        </section>
      )}

      {released.length > 0 && (
        <section aria-labelledby="released-head" className="mt-10">
          <h2 id="released-head" className="text-lg font-semibold">
            {t("releasedTitle")}
          </h2>
          <p className="mt-1 mb-3 text-sm text-muted">{t("releasedText")}</p>
          <ul className="divide-y divide-line rounded-lg border border-line bg-surface" data-testid="released-list">
            {released.map((d) => (
              <li key={d.id} data-device-id={d.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-3">
                <Link href={`/devices/${d.id}`} className="font-medium">
                  {d.name}
                </Link>
                <span className="text-sm text-muted">
                  {t.rich("releasedOn", { model: d.model, time: () => <Time value={d.releasedAt} /> })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Main>
  );
}

/** A device card's box: its border shows where focus and the pointer are, the whole card being a link. */
const DEVICE_CARD =
  "relative flex flex-col rounded-lg border border-line bg-surface p-4 shadow-xs transition-colors focus-within:border-accent hover:border-line-strong";

/** One device as a card; the whole card is its link. */
function DeviceCard({ d, note, level = 2 }: { d: DeviceSummary; note?: string; level?: 2 | 3 }) {
  const t = useTranslations("devices");
  const names = useTranslations("charts").raw("properties") as Record<string, string>;
  const appLocale = useLocale();
  const locale = intlLocale(isLocale(appLocale) ? appLocale : "en");
  const seen = agoParts(d.lastSeenAt);
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <li className={DEVICE_CARD} data-device-id={d.id}>
      <div className="flex items-start justify-between gap-3">
        <Heading className="min-w-0 text-base font-semibold">
          <Link href={`/devices/${d.id}`} className="text-fg no-underline after:absolute after:inset-0">
            {d.name}
          </Link>
        </Heading>
        <StatusBadge status={d.status} />
      </div>
      <p className="mt-0.5 text-xs text-muted">
        {t("modelSeen", { model: d.model, ago: t(`ago.${seen.unit}`, { n: seen.n }) })}
      </p>
      {note && <p className="mt-0.5 text-xs text-muted">{note}</p>}
      {d.status === "lost" && <p className="mt-2 text-sm text-danger-text">{t("lost")}</p>}
      {d.latest.length > 0 ? (
        <dl className="mt-4 flex flex-wrap gap-x-6 gap-y-2">
          {d.latest.map((r) => (
            <div key={r.property} className="flex flex-col-reverse">
              <dt className="text-xs text-muted">{propertyLabel(r.property, names)}</dt>
              <dd className="text-xl font-semibold tabular-nums">{formatValue(r.value, r.unit, undefined, locale)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="mt-4 text-sm text-muted">{t("noMeasurements")}</p>
      )}
    </li>
  );
}
