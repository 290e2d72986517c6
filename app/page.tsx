import { canReadStaffData } from "@/lib/auth/roles";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current";

export default async function HomePage() {
  const user = await getCurrentUser();
  if (user)
    redirect(user.mustEnrol ? "/account/security" : canReadStaffData(user.role) ? "/staff/accounts" : "/devices");
  return (
    <main>
      <div className="card narrow">
        <h1>Claimlink</h1>
        <p>
          Claim the sensor device you received by scanning the code on its screen with your phone. No app to install.
        </p>
        <div className="actions">
          <Link className="button" href="/sign-in">
            Sign in
          </Link>
        </div>
      </div>
    </main>
  );
}
