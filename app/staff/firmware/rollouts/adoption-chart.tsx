import { useTranslations } from "next-intl";

/** Running versions per model: a bar per version, with its count and share as text (the bar is decoration). */
export function AdoptionChart({
  models,
}: {
  models: { model: string; devices: number; versions: { firmware: string; count: number }[] }[];
}) {
  const t = useTranslations("staffRollouts.adoption");
  if (models.length === 0) return <p className="text-sm text-muted">{t("empty")}</p>;
  return (
    <div className="grid gap-6 md:grid-cols-2" data-testid="adoption">
      {models.map((m) => (
        <figure key={m.model} className="m-0 min-w-0" data-model={m.model}>
          <figcaption className="text-sm font-medium">
            {m.model} <span className="font-normal text-muted">· {t("active", { count: m.devices })}</span>
          </figcaption>
          <table className="mt-2 w-full text-sm">
            <thead className="sr-only">
              <tr>
                <th scope="col">{t("version")}</th>
                <th scope="col">{t("devices")}</th>
                <th scope="col">{t("share")}</th>
              </tr>
            </thead>
            <tbody>
              {m.versions.map((v) => {
                const share = Math.round((v.count / Math.max(1, m.devices)) * 100);
                return (
                  <tr key={v.firmware} data-version={v.firmware}>
                    <th scope="row" className="w-28 py-1 pe-2 text-start font-mono text-xs font-normal whitespace-nowrap">
                      {v.firmware}
                    </th>
                    <td className="w-12 py-1 pe-2 text-end tabular-nums whitespace-nowrap" data-testid="adoption-count">
                      {v.count}
                    </td>
                    <td className="py-1">
                      <span className="flex items-center gap-2">
                        <svg aria-hidden="true" viewBox="0 0 100 10" preserveAspectRatio="none" className="h-3 min-w-0 flex-1">
                          <rect x="0" y="0" width="100" height="10" rx="1" className="fill-sunken" />
                          <rect x="0" y="0" width={Math.max(share, v.count ? 1 : 0)} height="10" rx="1" className="fill-accent" />
                        </svg>
                        <span className="w-10 text-end text-xs text-muted tabular-nums whitespace-nowrap">{share} %</span>
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </figure>
      ))}
    </div>
  );
}
