// Shared helpers for the Node e2e clients: the binary, calls.json (format:
// ../README.md), fixtures, placeholders, servers and a pass/fail tally.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..");

/** The mcp-media binary: --bin PATH, $MCP_MEDIA_BIN, or a fresh `go build`. */
export function binary() {
  const i = process.argv.indexOf("--bin");
  if (i > 0 && process.argv[i + 1]) return path.resolve(process.argv[i + 1]);
  if (process.env.MCP_MEDIA_BIN) return path.resolve(process.env.MCP_MEDIA_BIN);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mcp-media-node-bin-")), "mcp-media");
  execFileSync("go", ["build", "-o", out, "./cmd/mcp-media"], { cwd: repoRoot, stdio: "inherit" });
  return out;
}

/** The environment without provider keys, endpoint overrides or a D-Bus session. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AIOZ_|STREAM_|QINIU_|ALIBABA_CLOUD_|MCP_MEDIA_)/.test(k) || k === "DBUS_SESSION_BUS_ADDRESS") continue;
    env[k] = v;
  }
  // Without DBUS_SESSION_BUS_ADDRESS, D-Bus finds the desktop session bus by
  // itself (and a developer's real keys): point it nowhere.
  return { ...env, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/mcp-media-test-bus", ...extra };
}

export function loadCalls() {
  const file = path.join(repoRoot, "e2e", "testdata", "calls.json");
  const cf = JSON.parse(fs.readFileSync(file, "utf8"));
  cf.calls.forEach((c, i) => {
    if (!c.tool) throw new Error(`calls.json: calls[${i}] has no tool`);
    c.index = i;
  });
  return cf;
}

/** Writes calls.json's files into dir; returns the placeholder values. */
export function makeFixtures(dir, files) {
  const vars = { run_id: randomBytes(4).toString("hex"), tmp_dir: dir };
  for (const [key, f] of Object.entries(files)) {
    const p = path.join(dir, f.name);
    vars[key] = p;
    if (f.absent) continue;
    let data = Buffer.alloc(0);
    if (f.text) data = Buffer.from(f.text, "utf8");
    else if (f.base64) data = Buffer.from(f.base64, "base64");
    else if (f.hex) data = Buffer.from(f.hex, "hex");
    fs.writeFileSync(p, data);
    if (f.size && f.size > data.length) fs.truncateSync(p, f.size);
  }
  return vars;
}

const placeholder = /\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}/g;

function lookup(vars, ref) {
  let cur = vars;
  for (const part of ref.split(".")) {
    if (cur === null || typeof cur !== "object" || !(part in cur)) return undefined;
    cur = cur[part];
  }
  return cur ?? undefined;
}

/** Replaces placeholders; a string that is exactly one keeps the value's type. */
export function resolve(v, vars) {
  if (typeof v === "string") {
    const whole = v.match(/^\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}$/);
    if (whole) {
      const val = lookup(vars, whole[1]);
      if (val === undefined) throw new Error(`placeholder {{${whole[1]}}} is unresolved (did the call with that id fail?)`);
      return val;
    }
    return v.replace(placeholder, (_, ref) => {
      const val = lookup(vars, ref);
      if (val === undefined) throw new Error(`placeholder {{${ref}}} is unresolved (did the call with that id fail?)`);
      return typeof val === "string" ? val : JSON.stringify(val);
    });
  }
  if (Array.isArray(v)) return v.map((e) => resolve(e, vars));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, resolve(e, vars)]));
  return v;
}

/** `mcp-media tools --sandbox --toolsets all --json`. */
export function catalogue(bin) {
  const out = execFileSync(bin, ["tools", "--sandbox", "--toolsets", "all", "--json"], { env: cleanEnv(), encoding: "utf8" });
  return JSON.parse(out).tools;
}

/**
 * Tools without a valid or an invalid call (problems), and the tools calls.json
 * names that the server does not list (unknown: entries written ahead of a
 * tool's wiring, or stale ones; their calls are skipped with a warning).
 */
export function coverageProblems(tools, calls) {
  const valid = new Map(), invalid = new Map();
  for (const c of calls) {
    const m = c.error ? invalid : valid;
    m.set(c.tool, (m.get(c.tool) ?? 0) + 1);
  }
  const problems = [];
  const known = new Set(tools.map((t) => t.name));
  for (const t of tools) {
    if (!valid.get(t.name)) problems.push(`tool ${t.name} has no valid call in e2e/testdata/calls.json: add one that succeeds in the sandbox`);
    if (!invalid.get(t.name)) problems.push(`tool ${t.name} has no invalid call in e2e/testdata/calls.json: add one with "error": "\`argument\`"`);
  }
  const unknown = [...new Set(calls.filter((c) => !known.has(c.tool)).map((c) => c.tool))].sort();
  return { problems: problems.sort(), unknown };
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Starts `mcp-media serve ...` on an HTTP transport and waits for /healthz. */
export async function startHTTPServer(bin, args, env) {
  const child = spawn(bin, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const addr = args[args.indexOf("--addr") + 1];
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`http://${addr}/healthz`);
      if (r.ok) return { child, stderr: () => stderr, stop: () => stop(child) };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`server on ${addr} did not come up: ${stderr}`);
}

function stop(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(t);
      res();
    });
    child.kill("SIGTERM");
  });
}

/** A pass/fail tally that prints the closing `N passed, M failed` line. */
export class Tally {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failed = 0;
  }
  check(ok, label, detail = "") {
    if (ok) {
      this.passed++;
      if (process.env.E2E_VERBOSE) console.log(`  ok   ${label}`);
    } else {
      this.failed++;
      console.log(`  FAIL ${label}${detail ? `\n       ${String(detail).slice(0, 600).replace(/\n/g, "\n       ")}` : ""}`);
    }
    return ok;
  }
  finish() {
    console.log(`${this.name}: ${this.passed} passed, ${this.failed} failed`);
    process.exitCode = this.failed > 0 || this.passed === 0 ? 1 : 0;
  }
}

export function textOf(result) {
  return (result?.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
}

export function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
