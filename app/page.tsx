import { getTranslations } from "next-intl/server";
import { canReadStaffData } from "@/lib/auth/roles";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current";
import { myStudiesAwaitingConsent } from "@/lib/studies/participant-api";
import { ButtonLink } from "./_components/ui/button";
import { Main } from "./_components/ui/main";

export default async function HomePage() {
  const user = await getCurrentUser();
  const t = await getTranslations("home");
  if (user) {
    if (user.mustEnrol) redirect("/account/security");
    if (canReadStaffData(user.role)) redirect("/staff/accounts");
    if (user.role === "researcher") redirect("/research");
    // A study's consent (a first one, or a new version that asks again) comes before anything else.
    const [waiting] = await myStudiesAwaitingConsent(user);
    redirect(waiting ? `/studies/${waiting.studyId}/consent` : "/devices");
  }
  return (
    <Main width="narrow" className="flex flex-col justify-center">
      <div className="rounded-xl border border-line bg-surface p-6 text-center shadow-xs sm:p-8">
        <h1 tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          {t("title")}
        </h1>
        <p className="mt-3 text-muted">{t("lead")}</p>
        <div className="mt-6 flex justify-center">
          <ButtonLink href="/sign-in">{t("signIn")}</ButtonLink>
        </div>
      </div>
    </Main>
  );
}
