import { z } from "zod";
import { json, queryOf } from "../http/request";
import { idOrNotFound, idSchema } from "../ids";
import { dashboardRequest, exportRequest, readableStudiesRequest } from "../studies/api";
import { dashboardQuerySchema } from "../studies/schemas";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// What researchers read, and staff and support with them (docs/studies.md): the studies one may
// read, each one's dashboard and its export. A researcher reads only the studies granted to them;
// any other study, and every study for anyone else, answers `study_not_found`, as if it did not
// exist. Nothing here names a person: pseudonyms only (contact details of silent devices for
// staff and support alone).

const study = z.object({ studyId: idSchema("stu") });

export const research: Area = {
  tag: "research",
  description: "Study dashboards and exports for researchers with a grant, and for staff and support.",
  routes: [
    {
      method: "GET",
      path: "/research/studies",
      guard: "user",
      summary: "The studies the signed-in account may read",
      description: "A researcher's granted studies; every study for staff and support; none for a participant.",
      answers: { 200: { description: "`studies`.", schema: jsonObject } },
      handle: async ({ user }) => json(await readableStudiesRequest(user)),
    },
    {
      method: "GET",
      path: "/research/studies/{studyId}/dashboard",
      guard: "owner",
      token: "study:read",
      summary: "A study's dashboard: funnel, completeness per day, silent devices",
      description:
        "Staff and support also see the contact details of a silent device's participant, except when reading with an API token (pseudonymous only).",
      params: study,
      query: dashboardQuerySchema,
      answers: { 200: { description: "`funnel`, `completeness`, `silent`, `silentHours`.", schema: jsonObject } },
      errors: ["invalid_request", "study_not_found"],
      refusals: "study.read_refused",
      handle: async ({ req, user, params, tokenId }) =>
        json(
          await dashboardRequest(user, idOrNotFound("stu", params.studyId), queryOf(req), {
            pseudonymousOnly: tokenId !== undefined,
          }),
        ),
    },
    {
      method: "GET",
      path: "/research/studies/{studyId}/export",
      guard: "owner",
      token: "study:read",
      summary: "A study's export: a Frictionless Data Package as a streamed zip (audited)",
      params: study,
      answers: { 200: { description: "datapackage.json, README.md and three CSV files.", type: "application/zip" } },
      errors: ["study_not_found"],
      refusals: "study.read_refused",
      handle: async ({ actor, user, params }) => exportRequest(actor, user, idOrNotFound("stu", params.studyId)),
    },
  ],
};
