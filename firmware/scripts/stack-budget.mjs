#!/usr/bin/env node
// The worst-case stack of every public function of libclaimlink, from GCC's call graphs
// (-fcallgraph-info=su: one .ci file per object, each function's frame and its calls).
//
//   node scripts/stack-budget.mjs --ci DIR --header include/claimlink.h [--crypto FILE]
//        [--indirect FILE] [--budget BYTES] [--own-budget BYTES] [--markdown]
//
// A function's peak is its own frame plus the deepest path through what it calls. Calls into the
// crypto library (br_*, mbedtls_*) cost what --crypto says (a measured table, see
// scripts/crypto-stack-lx106.tsv); calls into the C library cost LIBC_FRAME. A dynamic frame
// (a VLA, alloca), a recursion, an indirect call or a crypto call with no figure fails: then the
// bound would not be a bound.
//
// Exits 1 when a public function's own-code peak exceeds --own-budget, or its whole peak
// (crypto included) exceeds --budget (--ecdsa-budget for the functions that verify ECDSA, the
// deepest path; the same by default). Functions on that path are marked "(ECDSA)".
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const LIBC_FRAME = 32; // picolibc's string functions are leaves with small frames (checked: <= 32 on lx106)
const LIBC = new Set(["memset", "memcpy", "memmove", "memcmp", "strlen", "strcmp", "strchr", "strncmp"]);
// libgcc helpers (64-bit arithmetic): leaf routines.
const LIBGCC = /^__(mul|div|udiv|mod|umod|ashl|ashr|lshr)[a-z]*[0-9]$/;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const ciDir = arg("--ci");
const header = arg("--header");
const cryptoFile = arg("--crypto");
const budget = Number(arg("--budget", "2048"));
const ownBudget = Number(arg("--own-budget", "1024"));
const ecdsaBudget = Number(arg("--ecdsa-budget", String(budget)));
const markdown = process.argv.includes("--markdown");
const indirectFile = arg("--indirect");
const top = Number(arg("--top", "0")); // markdown: only the N deepest functions
const noCrypto = process.argv.includes("--no-crypto"); // crypto library calls not measured: 0, said so
const report = arg("--report"); // names: print "name<TAB>peak" for these instead of the public table
if (!ciDir || !header) {
  console.error("usage: stack-budget.mjs --ci DIR --header include/claimlink.h [--crypto FILE] [--budget N]");
  process.exit(2);
}

/** Every function of the call graphs: frame bytes (null: external), qualifier, callees. */
const fns = new Map();
const unquote = (s) => s.replace(/\\n/g, "\n");
for (const file of readdirSync(ciDir).filter((f) => f.endsWith(".ci"))) {
  const text = readFileSync(path.join(ciDir, file), "utf8");
  for (const m of text.matchAll(/node: \{ title: "([^"]+)" label: "([^"]*)"/g)) {
    const [, title, label] = m;
    const frame = unquote(label).match(/\n(\d+) bytes \(([^)]+)\)/);
    const prev = fns.get(title);
    if (frame) fns.set(title, { bytes: Number(frame[1]), kind: frame[2], calls: prev?.calls ?? new Set(), file });
    else if (!prev) fns.set(title, { bytes: null, kind: "external", calls: new Set(), file: null });
  }
  for (const m of text.matchAll(/edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/g)) {
    const [, from, to] = m;
    if (!fns.has(from)) fns.set(from, { bytes: null, kind: "external", calls: new Set(), file: null });
    fns.get(from).calls.add(to);
  }
}

/** The crypto library's measured peaks: "name<TAB>bytes" lines, # comments. */
const crypto = new Map();
if (cryptoFile) {
  for (const line of readFileSync(cryptoFile, "utf8").split("\n")) {
    const [name, bytes] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (name && bytes) crypto.set(name, Number(bytes));
  }
}
/** Indirect calls resolved by hand: "caller-pattern<TAB>callee callee ..." (a trailing * matches any suffix). */
const indirect = [];
if (indirectFile) {
  for (const line of readFileSync(indirectFile, "utf8").split("\n")) {
    const [caller, ...callees] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (caller && callees.length) indirect.push({ caller, callees });
  }
}
function resolveIndirect(caller) {
  const hit = indirect.find((r) => (r.caller.endsWith("*") ? caller.startsWith(r.caller.slice(0, -1)) : r.caller === caller));
  return hit ? hit.callees : null;
}
const ECDSA = new Set(["br_ecdsa_i31_vrfy_raw", "br_ec_p256_m31.muladd", "mbedtls_ecdsa_verify"]);

const problems = [];
const memo = new Map();
/** { own, crypto, path, ecdsa }: the deepest path's own-code bytes and crypto-library bytes. */
function peak(name, stack = []) {
  if (memo.has(name)) return memo.get(name);
  if (stack.includes(name)) {
    problems.push(`recursion: ${[...stack, name].join(" -> ")}`);
    return { own: 0, crypto: 0, path: [name], ecdsa: false };
  }
  const f = fns.get(name);
  let result;
  if (name === "__indirect_call") {
    problems.push(`an indirect call in ${stack.at(-1)}: its callee's stack is unknown`);
    result = { own: 0, crypto: 0, path: [name], ecdsa: false };
  } else if (!f || f.bytes === null) {
    if (crypto.has(name)) result = { own: 0, crypto: crypto.get(name), path: [name], ecdsa: ECDSA.has(name) };
    else if (LIBC.has(name) || LIBGCC.test(name)) result = { own: LIBC_FRAME, crypto: 0, path: [name], ecdsa: false };
    else if (noCrypto && /^(br_|mbedtls_)/.test(name)) result = { own: 0, crypto: 0, path: [name], ecdsa: ECDSA.has(name) };
    else if (/^(br_|mbedtls_)/.test(name)) {
      problems.push(`no stack figure for the crypto library's ${name} (add it to ${cryptoFile ?? "--crypto"})`);
      result = { own: 0, crypto: 0, path: [name], ecdsa: false };
    } else {
      problems.push(`no call graph for ${name} (called from ${stack.at(-1)})`);
      result = { own: 0, crypto: 0, path: [name], ecdsa: false };
    }
  } else {
    if (f.kind !== "static") problems.push(`${name} has a ${f.kind} frame: no static bound`);
    let best = { own: 0, crypto: 0, path: [], ecdsa: false };
    const callees = [...f.calls].flatMap((c) => (c === "__indirect_call" ? (resolveIndirect(name) ?? [c]) : [c]));
    f.calls = new Set(callees);
    for (const callee of f.calls) {
      const p = peak(callee, [...stack, name]);
      if (p.own + p.crypto > best.own + best.crypto) best = p;
    }
    const ecdsa = [...f.calls].some((c) => peak(c, [...stack, name]).ecdsa);
    result = { own: f.bytes + best.own, crypto: best.crypto, path: [name, ...best.path], ecdsa };
  }
  memo.set(name, result);
  return result;
}

if (report) {
  for (const name of report.split(",")) {
    const p = peak(name);
    console.log(`${name}\t${p.own + p.crypto}\t# ${p.path.join(" > ")}`);
  }
  for (const p of problems) console.error(`stack budget: ${p}`);
  process.exit(problems.length ? 1 : 0);
}

const publicFns = [
  ...new Set([...readFileSync(header, "utf8").matchAll(/^[a-z][a-z0-9_ *]*?\b(cl_[a-z0-9_]+)\(/gm)].map((m) => m[1])),
].filter((n) => fns.has(n) && fns.get(n).bytes !== null);
const rows = publicFns.map((name) => ({ name, ...peak(name) })).sort((a, b) => b.own + b.crypto - (a.own + a.crypto));

const over = [];
for (const r of rows) {
  const total = r.own + r.crypto;
  if (r.own > ownBudget) over.push(`${r.name}: own code ${r.own} > ${ownBudget}`);
  if (r.ecdsa ? total > ecdsaBudget : total > budget)
    over.push(`${r.name}: ${total} > ${r.ecdsa ? ecdsaBudget : budget}${r.ecdsa ? " (ECDSA path)" : ""}`);
}
const frames = [...fns.entries()]
  .filter(([, f]) => f.bytes !== null)
  .sort((a, b) => b[1].bytes - a[1].bytes)
  .slice(0, 6);

if (markdown) {
  console.log("| function | own code | crypto library | peak |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of top ? rows.slice(0, top) : rows) {
    const crypto = noCrypto ? "not measured" : r.crypto || "-";
    const peak = `${r.own + r.crypto}${noCrypto ? " + mbedTLS" : ""}`;
    console.log(`| ${r.name}${r.ecdsa ? " (ECDSA)" : ""} | ${r.own} | ${crypto} | ${peak} |`);
  }
  if (top && rows.length > top) console.log(`\nThe other ${rows.length - top} public functions need less.`);
  console.log("");
  console.log(`Largest frames of our own code: ${frames.map(([n, f]) => `\`${n}\` ${f.bytes}`).join(", ")}.`);
} else {
  const column = (bytes) => String(bytes).padStart(5);
  for (const r of rows) {
    const sizes = `own ${column(r.own)}  crypto ${column(r.crypto)}  peak ${column(r.own + r.crypto)}`;
    console.log(`  ${r.name.padEnd(32)} ${sizes}${r.ecdsa ? "  (ECDSA)" : ""}   ${r.path.join(" > ")}`);
  }
  console.log(`  largest frames: ${frames.map(([n, f]) => `${n} ${f.bytes}`).join(", ")}`);
}
for (const p of problems) console.error(`stack budget: ${p}`);
for (const o of over) console.error(`stack budget exceeded: ${o}`);
process.exit(problems.length || over.length ? 1 : 0);
