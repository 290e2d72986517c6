import http from "node:http";

// HTTP from a chosen loopback source address. The e2e server trusts no proxy
// (CLAIMLINK_TRUSTED_PROXIES=0), so the client address it sees is the socket's: a request from
// 127.0.0.2 is another client than one from 127.0.0.1, as an attacker elsewhere would be.

export type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string; ms: number };

export function call(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: o.method ?? "GET", headers: o.headers, localAddress: o.from, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body, ms: performance.now() - started }),
        );
      },
    );
    req.on("error", reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

const cookiesOf = (a: Answer) => (a.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]);

/** A password sign-in through next-auth's credentials endpoint, as a script would try one. */
export class SignInClient {
  private csrf?: { token: string; cookie: string };
  constructor(
    private port: number | string,
    readonly from: string,
  ) {}

  private get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** "ok" with the session cookie, or the refusal code the sign-in page would show ("invalid_credentials", "rate_limited_<s>"). */
  async attempt(email: string, password: string): Promise<{ result: string; cookie?: string; ms: number }> {
    if (!this.csrf) {
      const r = await call(`${this.base}/api/auth/csrf`, { from: this.from });
      this.csrf = { token: (JSON.parse(r.body) as { csrfToken: string }).csrfToken, cookie: cookiesOf(r).join("; ") };
    }
    const r = await call(`${this.base}/api/auth/callback/credentials`, {
      method: "POST",
      from: this.from,
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.csrf.cookie },
      body: new URLSearchParams({ csrfToken: this.csrf.token, email, password }).toString(),
    });
    const session = cookiesOf(r).find((c) => c.startsWith("authjs.session-token="));
    if (session) return { result: "ok", cookie: session, ms: r.ms };
    const location = new URL(String(r.headers.location), this.base);
    return { result: location.searchParams.get("code") ?? `status ${r.status}`, ms: r.ms };
  }
}
