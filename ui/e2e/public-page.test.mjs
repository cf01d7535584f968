// A label's public page as a phone's camera opens it: the real registry on a free port, a
// container registered and synced by the real CLI, its label's QR code as the registry's
// address (label payload version 2, docs/LABEL-PAYLOAD.md), and the page opened in a real
// browser (WebKitGTK's MiniBrowser through WebKitWebDriver, under Xvfb): Chinese, then English
// by its own link, the verification mark, and a forged label's page. Needs YIMA_CLI and
// YIMA_REGISTRY (scripts/test-app sets both).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ORGS, startRegistryWith } from "./registry.mjs";
import { Session, startWebKitDriver } from "./webdriver.mjs";

const CLI = process.env.YIMA_CLI;
const REGISTRY = process.env.YIMA_REGISTRY;
if (!CLI || !REGISTRY) throw new Error("set YIMA_CLI and YIMA_REGISTRY to the CLI and registry binaries");

const stops = [];
const sessions = [];
after(async () => {
  for (const s of sessions) await s.end().catch(() => {});
  stops.forEach((stop) => stop());
});

const cli = (dir, ...args) => execFileSync(CLI, ["--data-dir", dir, ...args], { encoding: "utf8" }).trim();
const json = (dir, ...args) => JSON.parse(cli(dir, "--json", ...args));

const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/** The URL form's path after `/L/` of a version-1 label text, written here from the spec
 * (Base45 of key id and signature → one number → 174 decimal digits), so the page is reached
 * the way any phone reaches it, and the spec is checked against a second implementation. */
function urlPath(text) {
  const [, code, quantity, sig] = text.match(/^YIMA1:([0-9A-Z]{37}):([0-9.]+(?:KG|T|L)):(.{108})$/s);
  let n = 0n;
  const bytes = [];
  for (let i = 0; i < sig.length; i += 3) {
    const v = [...sig.slice(i, i + 3)].reduce((acc, c, k) => acc + BASE45.indexOf(c) * 45 ** k, 0);
    bytes.push(v >> 8, v & 0xff);
  }
  assert.equal(bytes.length, 72);
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return `${code}-${quantity}-${n.toString().padStart(174, "0")}`;
}

test("a phone's camera opens a label's public page: Chinese and English, genuine, and a forged label said to be forged", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yima-e2e-page-"));
  const registry = await startRegistryWith(REGISTRY, dir, { producer: ORGS.producer }, stops);
  const p = join(dir, "producer");
  cli(p, "init", "--role", "producer", "--org-name", ORGS.producer.name, "--credit-code", ORGS.producer.code);
  cli(p, "enrol", "--registry", registry.url, "--code", registry.codes.producer);
  const { code } = json(p, "container", "new", "--waste-code", "900-249-08", "--weight", "180", "--unit", "kg",
    "--form", "liquid", "--main-components", "矿物油", "--contact", "王磊", "--phone", "0591-87654321");
  cli(p, "record", "store", code, "--facility", "WS-01");
  cli(p, "sync");

  // The label as printed (text form: this registry is plain HTTP on loopback), read back.
  const png = join(dir, "label.png");
  cli(p, "label", code, "--format", "png", "--qr", "text", "-o", png);
  const [read] = json(p, "scan", png);
  const text = read.codes?.[0]?.text ?? read.text;
  assert.ok(text?.startsWith("YIMA1:"), JSON.stringify(read));
  const path = urlPath(text);
  // The CLI refuses the URL form for a registry a phone could not open.
  assert.throws(() => cli(p, "label", code, "--format", "png", "--qr", "url", "-o", join(dir, "url.png")), /https/);

  const driver = await startWebKitDriver();
  stops.push(driver.stop);
  const s = await Session.browser(driver);
  sessions.push(s);

  // As a phone lowers nothing or everything: the page in Chinese, then English by its link.
  await s.go(`${registry.url}/L/${path}?lang=zh`);
  assert.match(await s.text('[data-testid="mark"]'), /真实标签：签名有效，与登记中心的记录一致/);
  assert.equal(await s.run('return document.querySelector("[data-testid=mark]").dataset.mark'), "ok");
  assert.equal(await s.text('[data-testid="code"]'), code);
  assert.match(await s.text('[data-testid="waste-code"]'), /900-249-08 \(HW08\)/);
  assert.equal(await s.text('[data-testid="producer"]'), ORGS.producer.name);
  assert.match(await s.text('[data-testid="state"]'), /已入库/);
  assert.equal(await s.run("return document.documentElement.lang"), "zh-CN");
  await s.click('[data-testid="switch-lang"]');
  await s.waitText('[data-testid="mark"]', (t) => t.includes("Genuine label"));
  assert.match(await s.text('[data-testid="state"]'), /in store/);
  assert.equal(await s.run("return document.documentElement.lang"), "en");
  // Fast and small on a phone: no script, nothing fetched beyond the page.
  assert.equal(await s.run("return document.scripts.length"), 0);
  assert.equal(await s.run("return performance.getEntriesByType('resource').length"), 0);
  assert.ok((await s.run("return document.documentElement.outerHTML.length")) < 10000);

  await s.go(`${registry.url}/l/${path.toLowerCase()}`);
  await s.waitText('[data-testid="mark"]', (t) => /真实标签|Genuine label/.test(t));

  // The weight altered on a forged label: the page says so and shows nothing of the container.
  const forged = path.replace("-180KG-", "-18KG-");
  assert.notEqual(forged, path);
  await s.go(`${registry.url}/L/${forged}?lang=en`);
  assert.match(await s.text('[data-testid="mark"]'), /Forged or altered label/);
  assert.equal(await s.run('return document.querySelector("[data-testid=mark]").dataset.mark'), "bad");
  assert.equal(await s.count('[data-testid="producer"]'), 0);
  assert.equal((await fetch(`${registry.url}/L/${forged}`)).status, 404);
  await s.go(`${registry.url}/L/NOT-A-LABEL?lang=zh`);
  assert.match(await s.text('[data-testid="mark"]'), /无法识别的标签/);
  assert.equal((await fetch(`${registry.url}/L/NOT-A-LABEL`)).status, 400);
});
