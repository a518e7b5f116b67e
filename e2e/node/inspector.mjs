// The MCP Inspector CLI (`mcp-inspector --cli`, from @modelcontextprotocol/inspector)
// against the built mcp-media binary, over stdio and over streamable HTTP
// with a bearer token, asserting on the JSON it prints.
//
//   node inspector.mjs [--bin path/to/mcp-media]
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Tally, binary, catalogue, cleanEnv, freePort, here, startHTTPServer, tmpDir } from "./lib.mjs";

const tally = new Tally("inspector");
const bin = binary();
const tools = catalogue(bin);
const inspectorBin = path.join(here, "node_modules", ".bin", "mcp-inspector");
if (!fs.existsSync(inspectorBin)) {
  console.error(`inspector: ${inspectorBin} is missing: run \`npm ci\` in e2e/node`);
  process.exit(1);
}
// The Inspector keeps a catalog and storage under $HOME: give it its own.
const home = tmpDir("mcp-media-inspector-home-");
const inspectorEnv = cleanEnv({ HOME: home, MCP_CATALOG_PATH: path.join(home, "mcp.json") });

/** Runs `mcp-inspector --cli ...args`; returns exit code, parsed stdout JSON, stderr. */
function inspector(args) {
  return new Promise((res) => {
    execFile(inspectorBin, ["--cli", ...args], { env: inspectorEnv, timeout: 120000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      let json = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* not JSON */
      }
      res({ code: err ? (err.code ?? 1) : 0, json, stdout, stderr });
    });
  });
}

const text = (r) => (r.json?.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
const want = tools.map((t) => t.name).sort();

async function suite(label, target) {
  console.log(`== ${label}`);
  // tools/list
  let r = await inspector([...target, "--method", "tools/list"]);
  const names = (r.json?.tools ?? []).map((t) => t.name).sort();
  tally.check(r.code === 0 && JSON.stringify(names) === JSON.stringify(want), `${label}: tools/list lists the ${want.length} tools of mcp-media tools --json`,
    `exit ${r.code}: ${names.join(", ")}\n${r.stderr}`);
  tally.check((r.json?.tools ?? []).every((t) => t.outputSchema && t.annotations), `${label}: tools/list: every tool has an outputSchema and annotations`);

  // Schema portability as the Inspector judges it (--strict).
  const strict = await inspector([...target, "--method", "tools/list", "--strict"]);
  tally.check(strict.code === 0, `${label}: tools/list passes the Inspector's --strict schema check`,
    `exit ${strict.code}: ${strict.stderr.trim().split("\n").slice(0, 8).join("\n       ")}`);

  // tools/call with --tool-arg (numbers and arrays are parsed as JSON)
  r = await inspector([...target, "--method", "tools/call", "--tool-name", "aioz_list_media", "--tool-arg", "limit=2"]);
  tally.check(r.code === 0 && !r.json?.isError && Array.isArray(r.json?.structuredContent?.media) && r.json.structuredContent.media.length <= 2,
    `${label}: tools/call aioz_list_media limit=2`, `exit ${r.code}: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  tally.check(text(r).includes("## 🎬 Media"), `${label}: aioz_list_media text is the media table`, text(r).slice(0, 200));

  r = await inspector([...target, "--method", "tools/call", "--tool-name", "aioz_get_transcode_cost",
    "--tool-arg", "type=video", "duration_seconds=120", 'qualities=["720p","1080p"]']);
  tally.check(r.code === 0 && typeof r.json?.structuredContent?.price === "number" && typeof r.json?.structuredContent?.is_enough === "boolean",
    `${label}: tools/call aioz_get_transcode_cost with an array argument`, `exit ${r.code}: ${r.stdout.slice(0, 300)} ${r.stderr}`);

  r = await inspector([...target, "--method", "tools/call", "--tool-name", "media_providers"]);
  tally.check(r.code === 0 && text(r).includes("aioz") && text(r).toLowerCase().includes("sandbox"),
    `${label}: tools/call media_providers says sandbox`, text(r).slice(0, 200));

  // An invalid argument is a tool error naming it (the CLI exits 5 on isError).
  r = await inspector([...target, "--method", "tools/call", "--tool-name", "aioz_list_media", "--tool-arg", "limit=0"]);
  tally.check(r.json?.isError === true && text(r).includes("`limit`") && r.code !== 0,
    `${label}: tools/call aioz_list_media limit=0 is isError naming \`limit\``, `exit ${r.code}: ${r.stdout.slice(0, 300)}`);

  r = await inspector([...target, "--method", "tools/call", "--tool-name", "aioz_upload_media", "--tool-arg", "file_path=/nonexistent/clip.mp4"]);
  tally.check(r.json?.isError === true && text(r).includes("`file_path`"),
    `${label}: tools/call aioz_upload_media with a missing file is isError naming \`file_path\``, `exit ${r.code}: ${r.stdout.slice(0, 300)}`);
}

async function main() {
  await suite("stdio", [bin, "serve", "--sandbox", "--toolsets", "all"]);

  const token = `e2e-${randomBytes(12).toString("hex")}`;
  const addr = `127.0.0.1:${await freePort()}`;
  const srv = await startHTTPServer(bin, ["serve", "--sandbox", "--toolsets", "all", "--transport", "http", "--addr", addr, "--files-root", os.tmpdir()],
    cleanEnv({ MCP_MEDIA_HTTP_TOKEN: token }));
  try {
    const url = `http://${addr}/mcp`;
    await suite("http", ["--transport", "http", "--server-url", url, "--header", `Authorization: Bearer ${token}`]);
    // Without the header the server answers 401 and the CLI fails.
    const r = await inspector(["--transport", "http", "--server-url", url, "--stored-auth-only", "--method", "tools/list"]);
    const said = (x) => `${x.stdout}\n${x.stderr ?? ""}`;
    // Refused for want of the token, not for any other failure (a dead port also exits non-zero).
    tally.check(r.code !== 0 && !r.json?.tools && /401|unauthori[sz]ed|bearer/i.test(said(r)), "http: without the bearer header the Inspector is refused", `exit ${r.code}: ${said(r).slice(0, 300)}`);
    const w = await inspector(["--transport", "http", "--server-url", url, "--header", "Authorization: Bearer wrong", "--stored-auth-only", "--method", "tools/list"]);
    tally.check(w.code !== 0 && !w.json?.tools && /401|unauthori[sz]ed|bearer/i.test(said(w)), "http: a wrong bearer token is refused", `exit ${w.code}: ${said(w).slice(0, 300)}`);
  } finally {
    await srv.stop();
  }
  fs.rmSync(home, { recursive: true, force: true });
  tally.finish();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
