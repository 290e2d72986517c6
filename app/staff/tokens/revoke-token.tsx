"use client";

import { useRouter } from "next/navigation";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="danger-outline" size="sm">
          Revoke
        </Button>
      }
      title={`Revoke “${name}”?`}
      description="Its next request is refused, and it cannot be used again. Its holder can make a new one."
      confirmLabel="Revoke token"
      busyLabel="Revoking…"
      cancelLabel="Cancel"
      onConfirm={async () => {
        await api(`/api/v1/staff/tokens/${id}`, { method: "DELETE" });
        router.refresh();
      }}
    />
  );
}
