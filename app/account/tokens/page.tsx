import type { Metadata } from "next";
import Link from "next/link";
import { requireUserPage } from "@/lib/auth/current";
import { myScopeChoices, myTokens } from "@/lib/integrations/api";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { TokenManager } from "./token-manager";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const user = await requireUserPage("/account/tokens");
  const [tokens, choices] = await Promise.all([myTokens(user), myScopeChoices(user)]);
  return (
    <Main>
      <PageHeader
        title="API tokens"
        description="Let a program read on your behalf: a research pipeline, a dashboard, a script."
      />
      <div className="mb-5 max-w-prose space-y-2 text-sm">
        <p>
          A token reads only what its scopes allow, and never more than your account may. It cannot sign in, change
          anything, or make other tokens. Send it as <code>Authorization: Bearer clk_…</code>; the{" "}
          <Link href="/docs/api">API reference</Link> says which routes take which scope and lets you try one.
        </p>
        <p>Treat a token like a password: whoever holds it reads what it reads until it expires or you revoke it.</p>
      </div>
      <TokenManager tokens={tokens} choices={choices} />
    </Main>
  );
}
