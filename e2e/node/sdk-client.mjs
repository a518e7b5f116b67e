// The official TypeScript SDK client driving the built mcp-media binary over
// stdio and over streamable HTTP (with a bearer token): every call of
// ../testdata/calls.json with its expectations, structuredContent validated
// by the SDK against each tool's outputSchema (a violation makes callTool
// throw, which counts as a failure: checked by a self-test below), and a
// 120 MiB upload in 50 MiB chunks with onprogress: one notification per
// chunk and the "Upload Complete" card.
//
//   node sdk-client.mjs [--bin path/to/mcp-media]
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import {
  Tally, binary, catalogue, cleanEnv, coverageProblems, freePort, loadCalls,
  makeFixtures, resolve, startHTTPServer, textOf, tmpDir,
} from "./lib.mjs";

const MiB = 1 << 20;
const COMPLETE = "## 🎉 Upload Complete!";
const tally = new Tally("sdk-client");
const bin = binary();
const cf = loadCalls();
const tools = catalogue(bin);

const coverage = coverageProblems(tools, cf.calls);
for (const p of coverage.problems) tally.check(false, "calls.json coverage", p);
if (!coverage.problems.length) tally.check(true, `calls.json covers all ${tools.length} tools`);
for (const u of coverage.unknown) tally.check(false, "calls.json", `has calls of ${u}, which the server does not list: remove or rename them`);
const listedNames = new Set(tools.map((t) => t.name));

async function exercise(label, transport) {
  console.log(`== ${label}`);
  const client = new Client({ name: "mcp-media-e2e-sdk", version: "1.0.0" });
  await client.connect(transport);
  const info = client.getServerVersion();
  tally.check(info?.name === "mcp-media", `${label}: initialize (server ${info?.name} ${info?.version})`);

  // tools/list: the same tools as `mcp-media tools --json`; this also
  // caches the output-schema validators callTool uses.
  const listed = (await client.listTools()).tools;
  const names = listed.map((t) => t.name).sort();
  const want = tools.map((t) => t.name).sort();
  tally.check(JSON.stringify(names) === JSON.stringify(want), `${label}: tools/list matches mcp-media tools --json`, `${names}\nvs ${want}`);
  tally.check(listed.every((t) => t.outputSchema), `${label}: every tool declares an outputSchema`,
    listed.filter((t) => !t.outputSchema).map((t) => t.name).join(", "));

  // Self-test: a result that violates the cached outputSchema must make
  // callTool throw (so schema violations cannot pass silently).
  const strict = structuredClone(listed).map((t) =>
    t.name === "media_providers"
      ? { ...t, outputSchema: { type: "object", properties: { e2e_probe: { type: "string" } }, required: ["e2e_probe"] } }
      : t);
  client.cacheToolMetadata(strict);
  let threw = null;
  try {
    await client.callTool({ name: "media_providers", arguments: {} });
  } catch (e) {
    threw = e;
  }
  tally.check(threw && /output schema/i.test(threw.message), `${label}: the SDK rejects structuredContent that violates the outputSchema`, threw?.message ?? "callTool did not throw");
  client.cacheToolMetadata(listed);

  // Every call of calls.json, in order.
  const vars = makeFixtures(tmpDir("mcp-media-sdk-fixtures-"), cf.files);
  for (const c of cf.calls) {
    if (!listedNames.has(c.tool)) continue;
    const name = `${label}: calls[${c.index}] ${c.tool}${c.error ? ` (invalid → ${c.error})` : ""}`;
    let args;
    try {
      args = resolve(c.args ?? {}, vars);
    } catch (e) {
      tally.check(false, name, e.message);
      continue;
    }
    const progress = [];
    let res;
    try {
      res = await client.callTool({ name: c.tool, arguments: args }, undefined, {
        onprogress: (p) => progress.push(p), timeout: 180000,
      });
    } catch (e) {
      // Includes the SDK's outputSchema validation errors.
      tally.check(false, name, `callTool threw: ${e.message}`);
      continue;
    }
    const text = textOf(res);
    if (c.error) {
      tally.check(res.isError === true && text.includes(c.error), name, `isError=${res.isError}: ${text}`);
      continue;
    }
    let ok = tally.check(!res.isError, name, `isError: ${text}`);
    if (ok && c.prefix) ok = tally.check(text.startsWith(resolve(c.prefix, vars)), `${name}: text starts with ${c.prefix}`, text.slice(0, 200));
    if (ok && c.contains) tally.check(text.includes(resolve(c.contains, vars)), `${name}: text contains ${c.contains}`, text.slice(0, 300));
    if (!res.isError && c.id && res.structuredContent) vars[c.id] = res.structuredContent;
    if (!res.isError && c.tool === "aioz_upload_media") {
      tally.check(progress.length >= 1, `${name}: progress notifications (${progress.length})`);
    }
  }

  // 120 MiB in 50 MiB chunks: three chunks, three progress notifications.
  const dir = tmpDir("mcp-media-sdk-big-");
  const big = path.join(dir, "big-upload.mp4");
  fs.writeFileSync(big, Buffer.from(cf.files.video_path.hex, "hex"));
  fs.truncateSync(big, 120 * MiB);
  const progress = [];
  const t0 = Date.now();
  try {
    const res = await client.callTool(
      { name: "aioz_upload_media", arguments: { file_path: big, chunk_size_mib: 50, title: `big ${randomBytes(3).toString("hex")}` } },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 300000 },
    );
    const text = textOf(res);
    tally.check(!res.isError, `${label}: 120 MiB upload succeeds (${Date.now() - t0} ms)`, text);
    tally.check(text.startsWith(COMPLETE), `${label}: 120 MiB upload text starts with "${COMPLETE}"`, text.slice(0, 200));
    tally.check(progress.length === 3, `${label}: 120 MiB upload sent ${progress.length} progress notifications, want 3 (one per 50 MiB chunk)`,
      progress.map((p) => `${p.progress}/${p.total}`).join(" "));
    tally.check(progress.every((p, i) => p.progress === i + 1 && p.total === 3), `${label}: progress counts 1/3, 2/3, 3/3`,
      progress.map((p) => `${p.progress}/${p.total}`).join(" "));
    tally.check(progress.every((p) => typeof p.message === "string" && p.message.includes("Uploading")), `${label}: progress messages are the seed's progress card`,
      progress[0]?.message);
    tally.check(res.structuredContent?.chunks?.length === 3, `${label}: structured result lists 3 chunks`, JSON.stringify(res.structuredContent?.chunks));
  } catch (e) {
    tally.check(false, `${label}: 120 MiB upload`, `callTool threw: ${e.message}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });

  // Still serving after every bad argument.
  const again = await client.callTool({ name: "media_providers", arguments: {} });
  tally.check(!again.isError, `${label}: still serving after the invalid calls`);
  await client.close();
}

async function main() {
  // 1. stdio
  const stdio = new StdioClientTransport({
    command: bin, args: ["serve", "--sandbox", "--toolsets", "all"], env: cleanEnv(), stderr: "pipe",
  });
  let stdioErr = "";
  stdio.stderr?.on("data", (d) => (stdioErr += d));
  try {
    await exercise("stdio", stdio);
  } catch (e) {
    tally.check(false, "stdio session", `${e.stack}\nserver stderr: ${stdioErr}`);
  }

  // 2. streamable HTTP with a bearer token
  const token = `e2e-${randomBytes(12).toString("hex")}`;
  const addr = `127.0.0.1:${await freePort()}`;
  const srv = await startHTTPServer(bin, ["serve", "--sandbox", "--toolsets", "all", "--transport", "http", "--addr", addr, "--files-root", os.tmpdir()],
    cleanEnv({ MCP_MEDIA_HTTP_TOKEN: token }));
  try {
    // Without the token the server answers 401, which the SDK reports.
    let refused = null;
    try {
      const c = new Client({ name: "mcp-media-e2e-sdk-no-token", version: "1.0.0" });
      await c.connect(new StreamableHTTPClientTransport(new URL(`http://${addr}/mcp`)));
      await c.close();
    } catch (e) {
      refused = e;
    }
    tally.check(refused !== null && /401|unauthori[sz]ed|bearer/i.test(String(refused?.message)), "http: connecting without the bearer token is refused (401)", refused?.message ?? "connected");
    await exercise("http", new StreamableHTTPClientTransport(new URL(`http://${addr}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }));
  } catch (e) {
    tally.check(false, "http session", `${e.stack}\nserver stderr: ${srv.stderr()}`);
  } finally {
    await srv.stop();
  }
  tally.check(!srv.stderr().includes(token), "http: the server never prints its bearer token");
  tally.finish();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
