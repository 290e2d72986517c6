import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { requireStaffPage } from "@/lib/auth/current";
import { serverKeysForStaff } from "@/lib/provisioning/staff-api";
import { Badge } from "../../_components/ui/badge";
import { CopyButton } from "../../_components/ui/copy-button";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffKeys");
  return { title: t("title") };
}

const code = (chunks: ReactNode) => <code>{chunks}</code>;

export default async function KeysPage() {
  await requireStaffPage("/staff/keys");
  const { claimUrl, keys, firmwareKeys } = serverKeysForStaff();
  const t = await getTranslations("staffKeys");
  const labels: KeyLabels = { publicKey: t("publicKey"), fingerprint: t("fingerprint"), copied: t("copied") };
  return (
    <Main width="console">
      <PageHeader title={t("title")} description={t("description")} />
      <div className="max-w-3xl space-y-3 text-sm">
        <p>{t.rich("signing", { code })}</p>
        <p>
          {t.rich("authors", {
            code,
            claimUrl: () => <code>{claimUrl}</code>,
            wellKnown: (chunks) => (
              <a href="/.well-known/claimlink" className="whitespace-nowrap">
                {chunks}
              </a>
            ),
          })}
        </p>
      </div>
      <ul className="mt-6 space-y-3" data-testid="server-keys">
        {keys.map((k) => (
          <li key={k.kid} data-kid={k.kid} className="rounded-lg border border-line bg-surface p-4 shadow-xs">
            <div className="flex flex-wrap items-center gap-2">
              <code className="text-sm font-semibold">{k.kid}</code>
              <Badge tone={k.use === "current" ? "ok" : k.use === "next" ? "accent" : "neutral"}>
                {t(`uses.${k.use}`)}
              </Badge>
              <span className="text-sm text-muted">{t(`useText.${k.use}`)}</span>
            </div>
            <KeyFacts k={k} copyLabel={t("copyKey", { kid: k.kid })} labels={labels} />
          </li>
        ))}
      </ul>
      <section aria-labelledby="firmware-keys-title" className="mt-10 space-y-3">
        <h2 id="firmware-keys-title" className="text-lg font-semibold">
          {t("firmwareTitle")}
        </h2>
        <p className="max-w-3xl text-sm">{t.rich("firmwareText", { code })}</p>
        {firmwareKeys.length === 0 ? (
          <p className="text-sm text-muted" data-testid="firmware-keys-none">
            {t.rich("firmwareNone", { code })}
          </p>
        ) : (
          <ul className="space-y-3" data-testid="firmware-keys">
            {firmwareKeys.map((k) => (
              <li key={k.kid} data-kid={k.kid} className="rounded-lg border border-line bg-surface p-4 shadow-xs">
                <div className="flex flex-wrap items-center gap-2">
                  <code className="text-sm font-semibold">{k.kid}</code>
                  <Badge tone="accent">{t("firmwareBadge")}</Badge>
                </div>
                <KeyFacts k={k} copyLabel={t("copyFirmwareKey", { kid: k.kid })} labels={labels} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </Main>
  );
}

type KeyLabels = { publicKey: string; fingerprint: string; copied: string };

/** A key's public half (with a copy button) and its fingerprint. */
function KeyFacts({
  k,
  copyLabel,
  labels,
}: {
  k: { publicKey: string; fingerprint: string };
  copyLabel: string;
  labels: KeyLabels;
}) {
  return (
    <dl className="mt-3 space-y-3 text-sm">
      <div>
        <dt className="text-xs text-muted">{labels.publicKey}</dt>
        <dd className="mt-1 flex items-start gap-2">
          <code className="min-w-0 flex-1 rounded bg-sunken p-2 text-xs break-all">{k.publicKey}</code>
          <CopyButton value={k.publicKey} label={copyLabel} copiedLabel={labels.copied} iconOnly />
        </dd>
      </div>
      <div>
        <dt className="text-xs text-muted">{labels.fingerprint}</dt>
        <dd className="mt-1">
          <code className="block rounded bg-sunken p-2 text-xs break-all">{k.fingerprint}</code>
        </dd>
      </div>
    </dl>
  );
}
