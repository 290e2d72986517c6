"use client";

import { useState } from "react";
import { api } from "../_components/api";
import { Button } from "../_components/ui/button";
import { ConfirmDialog } from "../_components/ui/confirm-dialog";
import { Field, Input } from "../_components/ui/field";

/** "Delete my account": the password, then a confirmation that says what happens. */
export function DeleteAccount({ inStudies }: { inStudies: boolean }) {
  const [password, setPassword] = useState("");
  const [open, setOpen] = useState(false);
  return (
    <div className="space-y-3">
      <ul className="list-disc space-y-1 ps-5 text-sm">
        <li>Your devices are released and stop sending data; their readings are deleted.</li>
        {inStudies && (
          <li>
            You leave every study you are in, each under its own data policy (as its consent text said): deleted, or
            kept without your name or email.
          </li>
        )}
        <li>You are signed out everywhere, and your email and name are removed from Claimlink.</li>
      </ul>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (password) setOpen(true);
        }}
      >
        <Field id="delete-password" label="Your password" className="w-full sm:w-72">
          <Input
            id="delete-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        <Button type="submit" variant="danger-outline">
          Delete my account
        </Button>
      </form>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Delete your account?"
        description="This cannot be undone. You will be signed out, and you cannot sign in with this email again."
        confirmLabel="Delete my account"
        busyLabel="Deleting…"
        cancelLabel="Cancel"
        onConfirm={async () => {
          await api("/api/v1/me/deletion", { method: "POST", body: { password } });
          window.location.assign("/sign-in");
        }}
      />
    </div>
  );
}
