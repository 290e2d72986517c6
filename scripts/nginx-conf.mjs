// The nginx configuration for N Claimlink processes behind one nginx (docs/deployment.md).
//
//   node scripts/nginx-conf.mjs --listen 127.0.0.1:8080 --upstream 127.0.0.1:3001 --upstream 127.0.0.1:3002 [--prefix DIR]
//
// prints it; `nginxConf` is what bench/harness.ts writes into a temporary directory. With
// --prefix, pid, logs and temp files go inside DIR, so nginx runs unprivileged:
// `nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'`.

/**
 * @param {{ listen: string, upstreams: string[], prefix?: string, workerConnections?: number }} o
 */
export function nginxConf({ listen, upstreams, prefix, workerConnections = 32768 }) {
  const inside = (name) => (prefix ? `${prefix}/${name}` : name);
  return `# Claimlink behind nginx: ${upstreams.length} app processes on one PostgreSQL.
worker_processes 1;
worker_rlimit_nofile ${2 * workerConnections + 1024};
pid ${inside("nginx.pid")};
error_log ${inside("error.log")} warn;

events {
  # Each held long poll is two connections in nginx (device side, app side).
  worker_connections ${workerConnections};
}

http {
  access_log off;
  client_body_temp_path ${inside("client_body")};
  proxy_temp_path ${inside("proxy")};
  fastcgi_temp_path ${inside("fastcgi")};
  uwsgi_temp_path ${inside("uwsgi")};
  scgi_temp_path ${inside("scgi")};
  # The largest device request is a measurement batch (256 KiB).
  client_max_body_size 1m;

  upstream claimlink {
    # Any process can serve any request: all state is in PostgreSQL, and wake-ups for long polls
    # reach every process by LISTEN/NOTIFY (docs/decisions/0004).
    least_conn;
${upstreams.map((u) => `    server ${u} max_fails=0;`).join("\n")}
    keepalive 64;
  }

  server {
    listen ${listen};
    location / {
      proxy_pass http://claimlink;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      # The app appends nginx's address; with CLAIMLINK_TRUSTED_PROXIES=1 it takes the one
      # before it, which nginx appended here (docs/decisions/0003).
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # Device long polls last up to 30 s.
      proxy_read_timeout 60s;
      proxy_buffering off;
    }
  }
}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const all = (name) => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : []));
  const listen = all("listen")[0] ?? "127.0.0.1:8080";
  const upstreams = all("upstream");
  if (upstreams.length === 0) {
    console.error("usage: node scripts/nginx-conf.mjs --listen HOST:PORT --upstream HOST:PORT... [--prefix DIR]");
    process.exit(2);
  }
  process.stdout.write(nginxConf({ listen, upstreams, prefix: all("prefix")[0] }));
}
