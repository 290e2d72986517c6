import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { apiReference, type ApiOperation } from "@/lib/api/reference";
import { TryWithToken } from "./try-with-token";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("apiDocs");
  return { title: t("title") };
}

// The OpenAPI document of /api/v1 for people: every operation by area, drawn on the server from
// the router's own declarations (lib/api/reference.ts). The sections open with <details>; the one
// script is the form that tries a read with an API token (try-with-token.tsx). The page's own
// words follow the reader's language; the document's texts are the API's, in English.

type Words = Awaited<ReturnType<typeof getTranslations<"apiDocs">>>;

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The document's text: `code` spans and **bold**, the only markdown it uses. */
function Text({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/(`[^`]+`|\*\*[^*]+\*\*)/)
        .map((part, i) =>
          part.startsWith("`") ? (
            <code key={i}>{part.slice(1, -1)}</code>
          ) : part.startsWith("**") ? (
            <strong key={i}>{part.slice(2, -2)}</strong>
          ) : (
            part
          ),
        )}
    </>
  );
}

function Operation({ op, t }: { op: ApiOperation; t: Words }) {
  return (
    <details className="api-op" id={op.operationId}>
      <summary>
        <span className={`api-method api-${op.method.toLowerCase()}`}>{op.method}</span> <code>{op.path}</code>{" "}
        <span className="api-summary">{op.summary}</span>
      </summary>
      <div className="api-body">
        {op.description.map((p) => (
          <p key={p}>
            <Text text={p} />
          </p>
        ))}
        <p className="small">
          {t.rich("authentication", {
            schemes: op.security.length ? op.security.join(t("or")) : t("none"),
            guard: () => <code>{op.guard}</code>,
          })}
        </p>
        {op.parameters.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("parameter")}</th>
                  <th>{t("in")}</th>
                  <th>{t("schema")}</th>
                </tr>
              </thead>
              <tbody>
                {op.parameters.map((p) => (
                  <tr key={`${p.in} ${p.name}`}>
                    <td>
                      <code>{p.name}</code>
                      {p.required ? "" : ` ${t("optional")}`}
                    </td>
                    <td>{p.in}</td>
                    <td>
                      <code>{json(p.schema)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {op.body && (
          <>
            <h4>{t.rich("body", { type: () => <code>{op.body!.type}</code> })}</h4>
            {op.body.example !== undefined && <pre className="api-pre">{json(op.body.example)}</pre>}
            <details>
              <summary className="small">{t("schema")}</summary>
              <pre className="api-pre">{json(op.body.schema)}</pre>
            </details>
          </>
        )}
        <h4>{t("answers")}</h4>
        <ul className="api-answers">
          {op.answers.map((a) => (
            <li key={a.status}>
              <strong>{a.status}</strong> {a.type && <code>{a.type}</code>}{" "}
              {a.codes.length > 0 ? (
                a.codes.map((c) => (
                  <code key={c} className="api-code">
                    {c}
                  </code>
                ))
              ) : (
                <Text text={a.description} />
              )}
              {a.example !== undefined && <pre className="api-pre">{json(a.example)}</pre>}
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

export default async function ApiReferencePage() {
  const { description, areas, securitySchemes } = apiReference();
  const t = await getTranslations("apiDocs");
  return (
    <main>
      <h1>{t("title")}</h1>
      <p>
        <Text text={description} />
      </p>
      <p>{t.rich("machine", { link: (chunks) => <a href="/api/v1/openapi.json">{chunks}</a> })}</p>
      <h2>{t("tryTitle")}</h2>
      <p>{t.rich("tryText", { link: (chunks) => <a href="/account/tokens">{chunks}</a> })}</p>
      <TryWithToken
        operations={areas.flatMap((a) =>
          a.operations
            .filter((o) => o.tokenScope && o.method === "GET")
            .map((o) => ({ id: o.operationId, path: o.path, summary: o.summary, scope: o.tokenScope! })),
        )}
      />
      <h2>{t("authTitle")}</h2>
      <ul className="api-answers">
        {securitySchemes.map((s) => (
          <li key={s.name}>
            <strong>{s.name}</strong>: <Text text={s.description} />
          </li>
        ))}
      </ul>
      {areas.map((area) => (
        <section key={area.tag} aria-labelledby={`tag-${area.tag}`}>
          <h2 id={`tag-${area.tag}`}>{area.tag}</h2>
          <p className="muted">
            <Text text={area.description} />
          </p>
          {area.operations.map((op) => (
            <Operation key={op.operationId} op={op} t={t} />
          ))}
        </section>
      ))}
    </main>
  );
}
