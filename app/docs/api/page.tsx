import type { Metadata } from "next";
import { apiReference, type ApiOperation } from "@/lib/api/reference";
import { TryWithToken } from "./try-with-token";

export const metadata: Metadata = { title: "API reference" };

// The OpenAPI document of /api/v1 for people: every operation by area, drawn on the server from
// the router's own declarations (lib/api/reference.ts). The sections open with <details>; the one
// script is the form that tries a read with an API token (try-with-token.tsx).

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

function Operation({ op }: { op: ApiOperation }) {
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
          Authentication: {op.security.length ? op.security.join(" or ") : "none"}
          {" · "}guard <code>{op.guard}</code>
        </p>
        {op.parameters.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Parameter</th>
                  <th>In</th>
                  <th>Schema</th>
                </tr>
              </thead>
              <tbody>
                {op.parameters.map((p) => (
                  <tr key={`${p.in} ${p.name}`}>
                    <td>
                      <code>{p.name}</code>
                      {p.required ? "" : " (optional)"}
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
            <h4>
              Body <code>{op.body.type}</code>
            </h4>
            {op.body.example !== undefined && <pre className="api-pre">{json(op.body.example)}</pre>}
            <details>
              <summary className="small">Schema</summary>
              <pre className="api-pre">{json(op.body.schema)}</pre>
            </details>
          </>
        )}
        <h4>Answers</h4>
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

export default function ApiReferencePage() {
  const { description, areas, securitySchemes } = apiReference();
  return (
    <main>
      <h1>API reference</h1>
      <p>
        <Text text={description} />
      </p>
      <p>
        The machine-readable description is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1); the
        device protocol itself, with its test vectors, is docs/protocol.md.
      </p>
      <h2>Try a read with your API token</h2>
      <p>
        Make a token on <a href="/account/tokens">your account&apos;s API tokens page</a>, then send one of the reads
        that take it. The request goes from this page straight to the API with your token, without your session cookie.
      </p>
      <TryWithToken
        operations={areas.flatMap((a) =>
          a.operations
            .filter((o) => o.tokenScope && o.method === "GET")
            .map((o) => ({ id: o.operationId, path: o.path, summary: o.summary, scope: o.tokenScope! })),
        )}
      />
      <h2>Authentication</h2>
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
            <Operation key={op.operationId} op={op} />
          ))}
        </section>
      ))}
    </main>
  );
}
