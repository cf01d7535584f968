// The app in the field, end to end: a weight read from a simulated scale (a pseudo-terminal
// speaking a scale's continuous protocol) reaches the ledger marked as weighed electronically;
// a carrier's route, read from a file of fixes while in transit, is signed into the receipt,
// synced through a real registry and drawn in the regulator's timeline. Needs YIMA_APP,
// YIMA_CLI, YIMA_REGISTRY and YIMA_TEST_SCALE (scripts/test-app sets them).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { ORGS, startRegistryWith } from "./registry.mjs";
import { orSay, Session, setValue, sleep, startDriver, tab } from "./webdriver.mjs";

const APP = process.env.YIMA_APP;
const CLI = process.env.YIMA_CLI;
const REGISTRY = process.env.YIMA_REGISTRY;
const TEST_SCALE = process.env.YIMA_TEST_SCALE;
const SHOTS = process.env.YIMA_SCREENSHOTS;
if (!APP || !CLI || !REGISTRY || !TEST_SCALE) throw new Error("set YIMA_APP, YIMA_CLI, YIMA_REGISTRY and YIMA_TEST_SCALE");

const stops = [];
const sessions = [];
after(async () => {
  for (const s of sessions) await s.end().catch(() => {});
  stops.forEach((stop) => stop());
});

const MANIFEST = "20263501000123";

const cli = (dir, ...args) => execFileSync(CLI, ["--data-dir", dir, ...args], { encoding: "utf8" }).trim();
const json = (dir, ...args) => JSON.parse(cli(dir, "--json", ...args));

async function open(dataDir) {
  const driver = await startDriver({ YIMA_DATA_DIR: dataDir });
  stops.push(driver.stop);
  const session = await Session.start(driver, resolve(APP));
  sessions.push(session);
  await session.find('[data-testid="who"]');
  return session;
}

/** A device set up from the command line: `init`, its identity card beside it. */
function init(dir, role) {
  const org = ORGS[role];
  cli(dir, "init", "--role", role, "--org-name", org.name, "--credit-code", org.code);
  cli(dir, "identity", "-o", `${dir}.card.json`);
  return dir;
}

/** `step` (a `record` subcommand with its arguments) offered by `giver` to `taker`,
 * countersigned and confirmed, through the offer's and acknowledgement's JSON files (the camera
 * test reads them as QR codes). */
function handover(giver, taker, ...step) {
  const offer = `${giver}-offer-${Date.now()}.json`;
  const ack = `${taker}-ack-${Date.now()}.json`;
  cli(giver, "record", ...step, "--to", `${taker}.card.json`, "-o", offer);
  cli(taker, "handover", "accept", offer, "-o", ack);
  cli(giver, "handover", "confirm", ack);
}

/** A drum registered, stored, weighed and dispatched under MANIFEST by the producer. */
function dispatchedDrum(p) {
  const { code } = json(p, "container", "new", "--waste-code", "900-249-08", "--weight", "25", "--unit", "kg",
    "--form", "liquid", "--main-components", "矿物油", "--contact", "王磊", "--phone", "0591-87654321");
  json(p, "record", "store", code, "--facility", "WS-01");
  json(p, "record", "weigh", code, "--weight", "25", "--unit", "kg", "--weigher", "王磊");
  json(p, "record", "dispatch", code, "--manifest", MANIFEST, "--carrier-code", ORGS.carrier.code, "--carrier-name",
    ORGS.carrier.name, "--receiver-code", ORGS.receiver.code, "--receiver-name", ORGS.receiver.name,
    "--receiver-permit", "闽危废经许字 350200001 号", "--facility", "WS-01");
  return code;
}

test("a weight read from a simulated scale reaches the ledger, marked as weighed electronically", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yima-e2e-scale-"));
  const p = init(join(dir, "producer"), "producer");
  const { code } = json(p, "container", "new", "--waste-code", "900-249-08", "--weight", "25", "--unit", "kg",
    "--form", "liquid", "--main-components", "矿物油", "--contact", "王磊", "--phone", "0591-87654321");
  // The scale settles at 24.55 kg after two unstable readings.
  const sim = spawn(TEST_SCALE, ["US,GS,+0003.10kg", "US,GS,+0024.70kg", "ST,GS,+0024.55kg"], { stdio: ["pipe", "pipe", "inherit"] });
  stops.push(() => sim.kill("SIGTERM"));
  const port = await new Promise((ok, fail) => {
    sim.stdout.once("data", (b) => ok(String(b).trim()));
    sim.once("exit", () => fail(new Error("the simulated scale stopped")));
  });

  const s = await open(p);
  await tab(s, "containers");
  await s.find(`[data-code="${code}"]`);
  await s.run(`document.querySelector('[data-code="${code}"] [data-testid="select"]').click()`);
  await setValue(s, '[data-testid="step-kind"]', "weigh");
  await setValue(s, '[data-testid="step-weigher"]', "王磊");
  await setValue(s, '[data-testid="scale-port"]', port);
  await s.click('[data-testid="scale-read"]');
  await orSay(s, s.waitText('[data-testid="scale-identity"]', (t) => t.includes(port), 20000));
  assert.equal(await s.value('[data-testid="step-amount"]'), "24.55");
  // The weight was shown live as it came; the last reading shown is the settled one.
  assert.equal(await s.text('[data-testid="scale-live"]'), "24.55 kg · 已稳定");
  assert.equal(await s.value('[data-testid="step-weighed_with"]'), "scale");
  await s.click('[data-testid="step-submit"]');
  await orSay(s, s.waitText('[data-testid="message"]', (t) => t.startsWith("已记录")));

  await tab(s, "ledger");
  await s.find('[data-testid="ledger-row"]');
  const rows = await s.run('return [...document.querySelectorAll("[data-testid=ledger-row]")].map((r) => r.textContent)');
  const weighed = rows.filter((r) => r.includes("24.55") && r.includes(`自动读取自电子秤 ${port}`));
  assert.equal(weighed.length, 1, rows.join("\n"));
  assert.equal(json(p, "verify").ok, true);
});

test("a carrier's route from a file of fixes reaches the regulator's timeline as a verified map", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yima-e2e-route-"));
  const registry = await startRegistryWith(REGISTRY, dir, ORGS, stops);
  const [p, c, r, g] = ["producer", "carrier", "receiver", "regulator"].map((role) => init(join(dir, role), role));
  for (const [d, role] of [[p, "producer"], [c, "carrier"], [r, "receiver"], [g, "regulator"]]) {
    const enrol = role === "receiver" ? ["--qr", registry.qr] : ["--registry", registry.url, "--code", registry.codes[role]];
    cli(d, "enrol", ...enrol);
  }
  const code = dispatchedDrum(p);

  // The driver's app before its pickup says it records no route; it is set to read the file
  // its GPS logger writes.
  const fixes = join(dir, "gps.csv");
  writeFileSync(fixes, "time,lat,lon,accuracy_m\n");
  const driver = await open(c);
  assert.match(await driver.text('[data-testid="location"]'), /定位来源：无，不记录运输路线/);
  await tab(driver, "handover");
  await setValue(driver, '[data-testid="location-source"]', "file");
  await setValue(driver, '[data-testid="location-file"]', fixes);
  await driver.click('[data-testid="location-save"]');
  await orSay(driver, driver.waitText('[data-testid="location"]', (t) => t.includes(`定位来源：文件 ${fixes}`)));
  await orSay(driver, driver.waitText('[data-testid="route-recorded"]', (t) => t.includes("没有运输中的联单")));

  // Picked up: the logger's fixes from Fuzhou towards Xiamen, a second apart, written as they
  // are taken; the app reads them (here at once rather than at the next half minute).
  handover(p, c, "pickup", code, "--manifest", MANIFEST, "--vehicle", "闽A·D1234", "--driver", "陈师傅",
    "--permit", "闽交运管许可榕字 350100000001 号");
  const start = Date.now() + 500;
  const N = 10;
  const lines = Array.from({ length: N }, (_, i) =>
    `${new Date(start + i * 100).toISOString()},${(26.0745 - i * 0.159).toFixed(6)},${(119.2965 - i * 0.121 + 0.08 * Math.sin(i)).toFixed(6)},8`);
  await sleep(start + N * 100 + 200 - Date.now());
  writeFileSync(fixes, `time,lat,lon,accuracy_m\n${lines.join("\n")}\n`);
  await driver.click('[data-testid="route-record-now"]');
  await orSay(driver, driver.waitText('[data-testid="route-recorded"]', (t) => t.includes(`联单 ${MANIFEST}：新增 ${N} 个定位点，共 ${N} 个`)));
  // Read again: nothing new.
  await driver.click('[data-testid="route-record-now"]');
  await orSay(driver, driver.waitText('[data-testid="route-recorded"]', (t) => t.includes(`新增 0 个定位点，共 ${N} 个`)));
  await driver.end();
  sessions.splice(sessions.indexOf(driver), 1);

  // Delivered: the receipt signs the route's digest; everyone syncs.
  handover(c, r, "receive", code, "--manifest", MANIFEST);
  for (const d of [p, c, r]) cli(d, "sync");

  // The regulator's app pulls everything and draws the transport: verified, ten fixes, the
  // start and the end marked.
  const regulator = await open(g);
  await regulator.click('[data-testid="sync-now"]');
  await orSay(regulator, regulator.waitText('[data-testid="message"]', (t) => t.startsWith("同步完成"), 30000));
  await tab(regulator, "open");
  await setValue(regulator, '[data-testid="open-code"]', code);
  await regulator.click('[data-testid="open-submit"]');
  await orSay(regulator, regulator.waitText('[data-testid="timeline-verdict"]', (t) => t.startsWith("✓")));
  const verdict = await orSay(regulator, regulator.waitText('[data-testid="route-verdict"]', (t) => t.length > 0));
  assert.match(verdict, /^✓ 轨迹已核验/);
  assert.equal(await regulator.run('return document.querySelector("[data-testid=route-line]").dataset.points'), String(N));
  await regulator.find('[data-testid="route-start"]');
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await regulator.run('document.querySelector("[data-testid=routes]").scrollIntoView()');
    await sleep(300);
    writeFileSync(join(SHOTS, "regulator-route.png"), await regulator.screenshot());
  }
  await regulator.find('[data-testid="route-end"]');
  assert.match(await regulator.text('[data-testid="route-fixes"]'), new RegExp(`^${N} 个定位点`));
});
