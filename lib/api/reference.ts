import { openApiDocument } from "./router";

// The OpenAPI document as the /docs/api page shows it: operations grouped by area, each with its
// parameters, body, answers and the refusal codes of each error answer.

type Schema = Record<string, unknown>;
type Operation = {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  "x-claimlink-guard": string;
  "x-claimlink-token-scope"?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema; example?: unknown }> }>;
};

export type ApiOperation = {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  description: string[];
  guard: string;
  security: string[];
  /** The API token scope a read takes (docs/integrations.md), or null when it takes no token. */
  tokenScope: string | null;
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  body: { type: string; schema: Schema; example?: unknown } | null;
  answers: { status: string; description: string; type?: string; codes: string[]; example?: unknown }[];
};

/** The `code` values an error answer's schema allows (its `allOf` narrows the Problem's). */
function codesOf(schema: Schema | undefined): string[] {
  const parts = (schema?.allOf as Schema[] | undefined) ?? [];
  return parts.flatMap(
    (p) => ((p.properties as Schema | undefined)?.code as { enum?: string[] } | undefined)?.enum ?? [],
  );
}

export function apiReference() {
  const doc = openApiDocument() as unknown as {
    info: { description: string };
    tags: { name: string; description: string }[];
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, { description: string }> };
  };
  const operations: (ApiOperation & { tag: string })[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(byMethod)) {
      const [bodyType, body] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      operations.push({
        tag: op.tags[0],
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        summary: op.summary,
        description: (op.description ?? "").split("\n\n").filter(Boolean),
        guard: op["x-claimlink-guard"],
        security: (op.security ?? []).map(
          (s) =>
            Object.entries(s)
              .map(([name, scopes]) => (scopes.length ? `${name} (${scopes.join(", ")})` : name))
              .join(" + ") || "none",
        ),
        tokenScope: op["x-claimlink-token-scope"] ?? null,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, required: p.required ?? false })),
        body: bodyType && body ? { type: bodyType, schema: body.schema, example: body.example } : null,
        answers: Object.entries(op.responses).map(([status, a]) => {
          const [type, content] = Object.entries(a.content ?? {})[0] ?? [];
          return {
            status,
            description: a.description,
            type,
            codes: codesOf(content?.schema),
            example: content?.example,
          };
        }),
      });
    }
  return {
    description: doc.info.description,
    securitySchemes: Object.entries(doc.components.securitySchemes).map(([name, s]) => ({
      name,
      description: s.description,
    })),
    areas: doc.tags.map((t) => ({
      tag: t.name,
      description: t.description,
      operations: operations.filter((o) => o.tag === t.name),
    })),
  };
}
