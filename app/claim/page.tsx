import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getCurrentUser, SECURITY_PAGE } from "@/lib/auth/current";
import { replaceableDevice } from "@/lib/devices/owner-api";
import { isId } from "@/lib/ids";
import { listMyStudies } from "@/lib/studies/participant-api";
import { localized } from "../_components/localized";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { ClaimFlow } from "./claim-flow";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("claim"))("title") };
}

export default async function ClaimPage({ searchParams }: { searchParams: Promise<{ replaces?: string }> }) {
  const user = await getCurrentUser();
  const t = await getTranslations("claim");
  // Open signed out (the code waits through sign-in); a staff account that must still switch on
  // two-factor is sent to do that first, as on every other page.
  if (user?.mustEnrol) redirect(SECURITY_PAGE);
  // A code in the link is claimed without a tap only when the browser says nobody else started
  // this navigation: the phone's camera app (or the address bar) opening it gives
  // `Sec-Fetch-Site: none`. A link or redirect from another site (cross-site), or a browser that
  // does not say, gets a "Claim this device" button first.
  const autoSubmit = (await headers()).get("sec-fetch-site") === "none";
  const replaces = (await searchParams).replaces;
  const replacing = user && isId("dev", replaces) ? await replaceableDevice(user, replaces) : null;
  const studies = user
    ? (await listMyStudies(user))
        .filter((s) => !s.withdrawnAt && (s.status === "recruiting" || s.status === "running"))
        .map((s) => ({ id: s.studyId, name: localized(s.name) }))
    : [];
  return (
    <Main>
      <div className="mx-auto max-w-xl">
        <PageHeader title={t("title")} description={t("description")} />
        <ClaimFlow
          signedIn={!!user}
          autoSubmit={autoSubmit}
          replacing={replacing}
          replacesUnknown={!!user && replaces !== undefined && !replacing}
          studies={studies}
        />
      </div>
    </Main>
  );
}
