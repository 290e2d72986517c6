import { z } from "zod";
import {
  bulkInviteAccounts,
  cancelInvitation,
  inviteAccount,
  pendingInvitations,
  renewInvitationLink,
} from "../../accounts/staff-api";
import { bulkInvitationSchema, MAX_BULK_CSV_BYTES } from "../../accounts/bulk-invitations";
import { invitationInputSchema } from "../../accounts/schemas";
import { json, readJson } from "../../http/request";
import { idSchema } from "../../ids";
import { jsonObject } from "../answers";
import type { Area } from "../define";

const invitation = z.object({ invitationId: idSchema("inv") });
const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;

export const staffInvitations: Area = {
  tag: "staff/invitations",
  description: "Staff invite people: single-use links valid CLAIMLINK_INVITATION_DAYS, mailed or shown once.",
  routes: [
    {
      method: "GET",
      path: "/staff/invitations",
      guard: "staff",
      summary: "Pending invitations",
      answers: { 200: { description: "`invitations`.", schema: jsonObject } },
      handle: async () => json(await pendingInvitations()),
    },
    {
      method: "POST",
      path: "/staff/invitations",
      guard: "staff",
      summary: "Invite someone",
      body: {
        schema: invitationInputSchema,
        example: { email: "new@example.org", name: "New Person", role: "participant" },
      },
      description:
        "A participant's invitation may name a `studyId`: an email with a participant's account is then enrolled at once (`enrolled: true`, no link).",
      answers: {
        201: { description: "The invitation and its link (or `mailed: true`), or `enrolled`.", schema: jsonObject },
      },
      errors: [...BODY_ERRORS, "email_taken", "study_not_found", "study_closed", "conflict"],
      handle: async ({ req, actor }) => json(await inviteAccount(actor, await readJson(req)), 201),
    },
    {
      method: "POST",
      path: "/staff/invitations/bulk",
      guard: "staff",
      summary: "Invitations from a CSV (`email,name,role`), checked line by line",
      body: { schema: bulkInvitationSchema },
      description: "With `studyId` every line is a participant invited into that study (or enrolled at once).",
      answers: {
        201: { description: "`invited`, `enrolled` and `rejected` lines with the reason.", schema: jsonObject },
      },
      errors: [...BODY_ERRORS, "study_not_found", "study_closed"],
      refusals: "invitation.bulk_refused",
      handle: async ({ req, actor }) =>
        json(await bulkInviteAccounts(actor, await readJson(req, 2 * MAX_BULK_CSV_BYTES)), 201),
    },
    {
      method: "DELETE",
      path: "/staff/invitations/{invitationId}",
      guard: "staff",
      summary: "Cancel an invitation",
      params: invitation,
      answers: { 204: { description: "Cancelled; no body." } },
      errors: ["not_found"],
      handle: async ({ actor, params }) => {
        await cancelInvitation(actor, params.invitationId);
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "POST",
      path: "/staff/invitations/{invitationId}/renew",
      guard: "staff",
      summary: "A new link for an invitation; the old one stops working",
      params: invitation,
      answers: { 200: { description: "The invitation and its new link (or `mailed: true`).", schema: jsonObject } },
      errors: ["not_found"],
      handle: async ({ actor, params }) => json(await renewInvitationLink(actor, params.invitationId)),
    },
  ],
};
