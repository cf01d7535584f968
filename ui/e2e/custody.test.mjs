// One container's whole life across five app instances, each with its own data directory
// (producer, driver, a second carrier's driver, receiver, regulator), and a real registry on
// a free port: offline handovers through QR images saved by one app and read by the other, a
// relay to the second carrier through the registry (both enrolled), a label not on the
// manifest flagged, a container refused, everything synced, and the regulator's timeline
// showing every step verified, then its audit screen searching, counting and reading a
// container's history from the registry. Needs YIMA_APP and YIMA_REGISTRY (scripts/test-app sets both).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { ORGS, startRegistryWith } from "./registry.mjs";
import { orSay, Session, setValue, sleep, startDriver, tab } from "./webdriver.mjs";

const APP = process.env.YIMA_APP;
const REGISTRY = process.env.YIMA_REGISTRY;
const SHOTS = process.env.YIMA_SCREENSHOTS;
if (!APP || !REGISTRY) throw new Error("set YIMA_APP and YIMA_REGISTRY to the app and registry binaries");

const stops = [];
const sessions = [];
// Sessions end first (closing their apps), even when the test failed half way.
after(async () => {
  for (const s of sessions) await s.end().catch(() => {});
  stops.forEach((stop) => stop());
});

const MANIFEST = "20263501000123";

const startRegistry = (dir) => startRegistryWith(REGISTRY, dir, ORGS, stops);

async function shot(session, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await sleep(300);
  writeFileSync(join(SHOTS, `${name}.png`), await session.screenshot());
}

async function open(dataDir) {
  const driver = await startDriver({ YIMA_DATA_DIR: dataDir });
  stops.push(driver.stop);
  const session = await Session.start(driver, resolve(APP));
  sessions.push(session);
  return session;
}

/** First run, enrolled with the registry. */
async function firstRun(s, role, registry) {
  await s.click(`[data-testid="role-${ORGS[role].role ?? role}"]`);
  await s.type('[data-testid="org-name"]', ORGS[role].name);
  await s.type('[data-testid="credit-code"]', ORGS[role].code);
  await s.waitText('[data-testid="credit-check"]', (t) => t.startsWith("✓"));
  if (role === "receiver") {
    // From the picture of the enrolment QR code: nothing typed.
    await s.type('[data-testid="first-enrol-qr"]', registry.qr);
    await orSay(s, s.waitText('[data-testid="first-enrol-qr-read"]', (t) => t.startsWith("✓")));
    assert.equal(await s.value('[data-testid="first-enrol-code"]'), registry.codes[role]);
  } else {
    await s.type('[data-testid="first-registry-url"]', registry.url);
    await s.type('[data-testid="first-enrol-code"]', registry.codes[role]);
  }
  await s.click('[data-testid="start-enrolled"]');
  await s.waitText('[data-testid="who"]', (t) => t.includes(ORGS[role].name));
  await s.waitText('[data-testid="sync"]', (t) => t.includes("已注册到登记中心"));
}

/** Selects exactly `codes` on the containers list. */
async function select(s, codes) {
  await tab(s, "containers");
  await s.find(`[data-code="${codes[0]}"]`);
  await s.run(
    `for (const row of document.querySelectorAll('[data-testid="container-row"]')) {
       const box = row.querySelector('[data-testid="select"]');
       if (box.checked !== arguments[0].includes(row.dataset.code)) box.click();
     }`,
    codes,
  );
}

async function step(s, codes, kind, fields) {
  await select(s, codes);
  await setValue(s, '[data-testid="step-kind"]', kind);
  for (const [name, value] of Object.entries(fields)) await setValue(s, `[data-testid="step-${name}"]`, value);
  await s.click('[data-testid="step-submit"]');
  await s.waitText('[data-testid="message"]', (t) => t.startsWith("已记录") || t.includes("：") && !t.startsWith("已"));
  const said = await s.text('[data-testid="message"]');
  assert.ok(said.startsWith("已记录"), `${kind}: ${said}`);
}

async function register(s, amount) {
  await tab(s, "register");
  await setValue(s, '[data-testid="field-waste_code"]', "900-249-08");
  await setValue(s, '[data-testid="field-amount"]', amount);
  await setValue(s, '[data-testid="field-form"]', "liquid");
  await setValue(s, '[data-testid="field-main_components"]', "矿物油");
  await setValue(s, '[data-testid="field-contact"]', "王磊");
  await setValue(s, '[data-testid="field-phone"]', "0591-87654321");
  await s.click('[data-testid="register-submit"]');
  return s.waitText('[data-testid="registered-code"]', (t) => t.length === 37);
}

async function identityPng(s) {
  await tab(s, "handover");
  await s.click('[data-testid="show-identity"]');
  return s.waitText('[data-testid="identity-qr-path"]', (t) => t.endsWith(".png"));
}

/** The give form filled: `codes` selected, the taker's identity read from `identity`. */
async function giveForm(s, codes, identity, kind, fields) {
  await select(s, codes);
  await tab(s, "handover");
  await s.type('[data-testid="taker-image"]', identity);
  await s.waitText('[data-testid="taker"]', (t) => t.startsWith("✓"));
  await setValue(s, '[data-testid="give-step"]', kind);
  for (const [name, value] of Object.entries(fields)) await setValue(s, `[data-testid="give-${name}"]`, value);
}

/** The giver signs a handover of `codes` to the taker whose identity is in `identity`. */
async function give(s, codes, identity, kind, fields) {
  await giveForm(s, codes, identity, kind, fields);
  await s.click('[data-testid="give-submit"]');
  return orSay(s, s.waitText('[data-testid="offer-qr-path"]', (t) => t.endsWith(".png")));
}

/** The taker reads the offer and the labels, and countersigns. */
async function take(s, offer, labels) {
  await tab(s, "handover");
  await s.type('[data-testid="offer-image"]', offer);
  await s.waitText('[data-testid="offer-read"]', (t) => t.startsWith("✓"));
  for (const label of labels) await s.type('[data-testid="label-images"]', label);
  return s;
}

/** The giver signs a handover of `codes` to the taker whose identity is in `identity`, and
 * sends it through the registry. */
async function giveOnline(s, codes, identity, kind, fields) {
  await giveForm(s, codes, identity, kind, fields);
  const before = await s.run('return document.querySelectorAll(\'[data-testid="sent-offer"]\').length');
  await s.click('[data-testid="give-online"]');
  // Queued, said so; the sync that follows at once may already have re-drawn the screen
  // with the offer among those sent.
  const queued = `const q = document.querySelector('[data-testid="give-queued"]');
    return (q !== null && q.textContent.startsWith("✓"))
      || document.querySelectorAll('[data-testid="sent-offer"]').length > ${before};`;
  for (let i = 0; i < 100 && !(await s.run(queued)); i++) await sleep(100);
  if (await s.run(queued)) return;
  // Neither seen (once in a CI run, 2026-12-06, with the offer queued and sent: the screen
  // re-drawn by the sync never listed it). Say what the screen showed, then, the sync over,
  // open the screen again: the offer must be listed among those sent.
  const shown = await s.run(`return JSON.stringify({
    syncing: document.body.dataset.syncing,
    queued: document.querySelector('[data-testid="give-queued"]')?.textContent ?? null,
    sent: document.querySelectorAll('[data-testid="sent-offer"]').length,
    lists: document.querySelectorAll('[data-testid="sent-offers"]').length })`);
  console.log(`giveOnline: neither the queued note nor the sent offer shown after the click (before: ${before}): ${shown}`);
  for (let i = 0; i < 600 && (await s.run("return document.body.dataset.syncing")) !== "0"; i++) await sleep(100);
  await tab(s, "containers");
  await tab(s, "handover");
  const listed = `return document.querySelectorAll('[data-testid="sent-offer"]').length > ${before};`;
  for (let i = 0; i < 100 && !(await s.run(listed)); i++) await sleep(100);
  await orSay(s, s.run(listed).then((ok) => ok || Promise.reject(new Error("the offer was neither queued nor sent"))));
}

async function confirm(s, ack) {
  await s.type('[data-testid="ack-image"]', ack);
  await orSay(s, s.waitText('[data-testid="give-done"]', (t) => t.startsWith("✓")));
}

async function syncAll(s) {
  await s.click('[data-testid="sync-now"]');
  for (let i = 0; i < 600 && (await s.run("return document.body.dataset.syncing")) !== "0"; i++) await sleep(100);
  await orSay(s, s.waitText('[data-testid="pending"]', (t) => t.startsWith("0 "), 5000));
}

test("a container's whole life across producer, driver, receiver and regulator apps, through QR images and a real registry", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yima-e2e-custody-"));
  const registry = await startRegistry(dir);
  const dirs = Object.fromEntries(Object.keys(ORGS).map((r) => [r, join(dir, r)]));

  // The producer registers two drums and a third that stays, stores and dispatches two, and
  // saves their labels as images (as a printer would print them).
  const producer = await open(dirs.producer);
  await firstRun(producer, "producer", registry);
  const oil = await register(producer, "180");
  const sludge = await register(producer, "60");
  const stays = await register(producer, "25");
  await step(producer, [oil, sludge], "store", { facility_code: "WS-01" });
  const dispatch = {
    facility_code: "WS-01",
    number: MANIFEST,
    carrier_code: ORGS.carrier.code,
    carrier_name: ORGS.carrier.name,
    receiver_code: ORGS.receiver.code,
    receiver_name: ORGS.receiver.name,
    receiver_permit: "闽危废经许字 350200001 号",
    mode: "disposal",
    emergency_measures: "泄漏时用砂土覆盖",
  };
  // The sender weighs before dispatch: a dispatch of drums not weighed is refused (kind
  // not_weighed) and the app offers to weigh each; the oil is weighed from that offer, the
  // sludge through the weigh step.
  await select(producer, [oil, sludge]);
  await setValue(producer, '[data-testid="step-kind"]', "dispatch");
  for (const [name, value] of Object.entries(dispatch)) await setValue(producer, `[data-testid="step-${name}"]`, value);
  await producer.click('[data-testid="step-submit"]');
  await producer.waitText('[data-testid="message"]', (t) => t.includes("出库前须称重"));
  assert.equal(await producer.run('return document.getElementById("message").dataset.kind'), "not_weighed");
  assert.equal(await producer.count('[data-testid="weigh-this"]'), 2);
  await producer.click(`[data-testid="weigh-this"][data-code="${oil}"]`);
  assert.equal(await producer.value('[data-testid="step-kind"]'), "weigh");
  await producer.find('[data-testid="step-amount"]');
  for (const [name, value] of Object.entries({ amount: "180", unit: "kg", weigher: "王磊", weighed_with: "scale" }))
    await setValue(producer, `[data-testid="step-${name}"]`, value);
  await producer.click('[data-testid="step-submit"]');
  await producer.waitText('[data-testid="message"]', (t) => t.startsWith("已记录"));
  await step(producer, [sludge], "weigh", { amount: "60", unit: "kg", weigher: "王磊", weighed_with: "scale" });
  await step(producer, [oil, sludge], "dispatch", dispatch);
  await select(producer, [oil, sludge, stays]);
  await producer.click('[data-testid="labels-png"]');
  await producer.waitText('[data-testid="message"]', (t) => t.includes(".png"));
  await syncAll(producer);
  const exports = join(dirs.producer, "exports");
  const labelOf = (code) => join(exports, readdirSync(exports).find((f) => f.startsWith(`label-${code}`)));

  // Pickup: the driver shows its identity; the producer offers; the driver reads the offer
  // and the labels (the drum that stays is flagged loudly), countersigns; the producer reads
  // the acknowledgement back.
  const driver = await open(dirs.carrier);
  await firstRun(driver, "carrier", registry);
  // Synced, the driver's pickups list the manifest dispatched today, both drums to pick up.
  await syncAll(driver);
  await tab(driver, "manifests");
  await driver.waitText(`[data-testid="manifest"][data-number="${MANIFEST}"] [data-testid="waiting"]`, (t) => t === "待取 2");
  assert.equal(await driver.count('[data-testid="today"]'), 1);
  assert.equal(await driver.count('[data-testid="manifest-line"][data-flag="waiting"]'), 2);
  await shot(driver, "driver-pickups");
  const driverId = await identityPng(driver);
  const offer = await give(producer, [oil, sludge], driverId, "pickup", {
    manifest: MANIFEST,
    vehicle_plate: "闽A·D1234",
    driver: "陈师傅",
    permit: "闽交运管许可榕字 350100000001 号",
  });
  await shot(producer, "producer-handover-offer");
  await take(driver, offer, [labelOf(oil), labelOf(sludge), labelOf(stays)]);
  await driver.waitText(`[data-testid="label-alarm"][data-code="${stays}"]`, (t) => t.includes("不在交接清单上"));
  await shot(driver, "driver-pickup-check");
  assert.equal(await driver.count('[data-testid="label-ok"]'), 2);
  await driver.click('[data-testid="take-submit"]');
  const ack = await orSay(driver, driver.waitText('[data-testid="ack-qr-path"]', (t) => t.endsWith(".png")));
  await shot(driver, "driver-pickup-ack");
  await confirm(producer, ack);
  await syncAll(producer);

  // Road control: the driver shows a pass of its load; read back on the verify screen, it
  // checks offline (signed by a key this device knows as the carrier's) and the registry
  // confirms both drums in transit.
  await syncAll(driver);
  await tab(driver, "manifests");
  await driver.click(`[data-testid="manifest"][data-number="${MANIFEST}"] [data-testid="road-pass"]`);
  const pass = await orSay(driver, driver.waitText('[data-testid="road-pass-text"]', (t) => t.startsWith("YIMA-RP1:")));
  await shot(driver, "driver-road-pass");
  await tab(driver, "verify");
  await setValue(driver, '[data-testid="road-pass-input"]', pass);
  await driver.click('[data-testid="road-pass-online"]');
  await orSay(driver, driver.waitText('[data-testid="road-check"]', (t) => t.includes("2/2")));
  assert.equal(await driver.count('[data-testid="road-pass-line"]'), 2);
  assert.equal(await driver.run('return document.querySelector(\'[data-testid="road-pass-key"]\').dataset.key'), "known");

  // Relay to a second carrier, both enrolled: the offer goes through the registry, the second
  // driver checks the labels against it and countersigns, and the first driver's app sees the
  // handover complete after a sync. No handover code is shown.
  const relay = await open(dirs.relay);
  await firstRun(relay, "relay", registry);
  const relayId = await identityPng(relay);
  await giveOnline(driver, [oil, sludge], relayId, "relay", {
    manifest: MANIFEST,
    vehicle_plate: "闽D·R5678",
    driver: "林师傅",
    permit: "闽交运管许可厦字 350200000002 号",
    place: "沈海高速泉州服务区",
  });
  await syncAll(driver);
  await syncAll(relay);
  await tab(relay, "handover");
  await orSay(relay, relay.find('[data-testid="online-offer"]'));
  assert.equal(await relay.count('[data-testid="online-offer"]'), 1);
  await relay.click('[data-testid="online-offer"]');
  await relay.waitText('[data-testid="offer-read"]', (t) => t.startsWith("✓"));
  for (const label of [labelOf(oil), labelOf(sludge), labelOf(stays)]) await relay.type('[data-testid="label-images"]', label);
  await relay.waitText(`[data-testid="label-alarm"][data-code="${stays}"]`, (t) => t.includes("不在交接清单上"));
  assert.equal(await relay.count('[data-testid="label-ok"]'), 2);
  await shot(relay, "driver-relay-online");
  await relay.click('[data-testid="take-submit"]');
  await orSay(relay, relay.waitText('[data-testid="take-done"]', (t) => t.startsWith("✓")));
  await syncAll(relay);
  await syncAll(driver);
  await tab(driver, "handover");
  await orSay(driver, driver.find('[data-testid="sent-offer"][data-taken="true"]'));

  // Delivery: the second driver and the receiver exchange QR codes.
  const receiver = await open(dirs.receiver);
  await firstRun(receiver, "receiver", registry);
  await syncAll(receiver);
  await tab(receiver, "manifests");
  await receiver.waitText(`[data-testid="manifest"][data-number="${MANIFEST}"] [data-testid="waiting"]`, (t) => t === "待到 2");
  const receiverId = await identityPng(receiver);
  const delivery = await give(relay, [oil, sludge], receiverId, "receive", { manifest: MANIFEST });
  await take(receiver, delivery, [labelOf(oil), labelOf(sludge)]);
  await receiver.click('[data-testid="take-submit"]');
  const ack2 = await orSay(receiver, receiver.waitText('[data-testid="ack-qr-path"]', (t) => t.endsWith(".png")));
  await confirm(relay, ack2);
  await syncAll(relay);

  // The receiver weighs and accepts the oil, refuses the sludge, and disposes of the oil.
  await step(receiver, [oil], "weigh", { amount: "178.5", unit: "kg", weigher: "张工", weighed_with: "scale" });
  // Arrivals against the manifest: the oil weighed 1.5 kg under its declared 180 kg,
  // within tolerance; the sludge as its sender weighed it.
  await tab(receiver, "manifests");
  await receiver.waitText(`[data-testid="manifest-line"][data-code="${oil}"] td:nth-child(5)`, (t) => t === "-1.5 kg");
  assert.equal(await receiver.count(`[data-testid="manifest-line"][data-flag="waiting"]`), 0);
  assert.equal(await receiver.count(`[data-testid="manifest-line"][data-flag="beyond"]`), 0);
  await shot(receiver, "receiver-arrivals");
  await step(receiver, [oil], "accept", {});
  await step(receiver, [sludge], "refuse", { reason: "包装破损渗漏" });
  await step(receiver, [oil], "dispose", { method: "D10 焚烧", mode: "disposal" });
  await tab(receiver, "containers");
  await receiver.waitText(`[data-code="${sludge}"] [data-testid="state"]`, (t) => t === "已拒收");
  await shot(receiver, "receiver-containers");
  // The manifest printed as the 联单 PDF, into the receiver's exports.
  await tab(receiver, "manifests");
  await receiver.click(`[data-testid="manifest"][data-number="${MANIFEST}"] [data-testid="manifest-pdf"]`);
  const saved = await receiver.waitText('[data-testid="message"]', (t) => t.includes(".pdf"));
  const pdfPath = saved.slice(saved.indexOf("/"));
  assert.ok(pdfPath.includes(`manifest-${MANIFEST}`), saved);
  assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), "%PDF-");
  // What needs attention: the carriers recorded no route, so each transport is flagged.
  await tab(receiver, "verify");
  await receiver.find(`[data-testid="anomaly"][data-rule="track_missing"][data-code="${oil}"]`);
  assert.equal(await receiver.count('[data-testid="anomaly"][data-rule="weight_discrepancy"]'), 0);
  await syncAll(receiver);

  // The regulator enrols, syncs its province and opens each label from its image: every
  // step there, each verified.
  const regulator = await open(dirs.regulator);
  await firstRun(regulator, "regulator", registry);
  await syncAll(regulator);
  await tab(regulator, "open");
  await regulator.type('[data-testid="open-image"]', labelOf(oil));
  await regulator.waitText('[data-testid="timeline-verdict"]', (t) => t.startsWith("✓"), 30000);
  const steps = await regulator.count('[data-testid="step"]');
  assert.ok(steps >= 8, `${steps} steps for the oil drum`);
  assert.equal(await regulator.count(".step.bad"), 0);
  await shot(regulator, "regulator-timeline");
  await tab(regulator, "open");
  await regulator.type('[data-testid="open-image"]', labelOf(sludge));
  await regulator.waitText('[data-testid="timeline-verdict"]', (t) => t.startsWith("✓"), 30000);
  const texts = await regulator.run(
    'return [...document.querySelectorAll("[data-testid=step] b")].map((b) => b.textContent);',
  );
  assert.ok(texts.includes("拒收"), texts.join(","));

  // The audit screen asks the registry: by the pickup's plate, one container a page, the two
  // drums and not the one that stayed; by the manifest the same two; a malformed manifest is
  // named; counts by state; the oil's history fetched from the registry, every step verified.
  await tab(regulator, "audit");
  const rowCodes = () =>
    regulator.run('return [...document.querySelectorAll("[data-testid=audit-row]")].map((r) => r.dataset.code);');
  await setValue(regulator, '[data-testid="audit-plate"]', "闽A D1234");
  await setValue(regulator, '[data-testid="audit-limit"]', "1");
  await regulator.click('[data-testid="audit-search"]');
  await orSay(regulator, regulator.waitText('[data-testid="audit-status"]', (t) => t === "已显示 1 个容器"));
  assert.equal((await rowCodes()).length, 1);
  await regulator.click('[data-testid="audit-more"]');
  await regulator.waitText('[data-testid="audit-status"]', (t) => t === "共 2 个容器");
  assert.deepEqual((await rowCodes()).sort(), [oil, sludge].sort());
  assert.equal(await regulator.count('[data-testid="audit-more"]'), 0);
  await shot(regulator, "regulator-audit-search");
  await setValue(regulator, '[data-testid="audit-plate"]', "");
  await setValue(regulator, '[data-testid="audit-limit"]', "50");
  await setValue(regulator, '[data-testid="audit-manifest"]', "2026350100012");
  await regulator.click('[data-testid="audit-search"]');
  await regulator.find('[data-testid="audit-status"][data-kind="bad_input"]');
  await setValue(regulator, '[data-testid="audit-manifest"]', MANIFEST);
  await regulator.click('[data-testid="audit-search"]');
  await regulator.waitText('[data-testid="audit-status"]', (t) => t === "共 2 个容器");
  assert.deepEqual((await rowCodes()).sort(), [oil, sludge].sort());
  assert.equal(await regulator.text(`[data-testid="audit-row"][data-code="${sludge}"] [data-testid="audit-row-state"]`), "已拒收");
  // Counts by state of all the province holds: the oil disposed of, the sludge refused, the
  // drum that stayed.
  await setValue(regulator, '[data-testid="audit-manifest"]', "");
  await setValue(regulator, '[data-testid="audit-by"]', "state");
  await regulator.click('[data-testid="audit-count-submit"]');
  await regulator.waitText('[data-testid="audit-total"]', (t) => t === "合计 3 个容器");
  const counts = await regulator.run(
    'return Object.fromEntries([...document.querySelectorAll("[data-testid=audit-count]")].map((r) => [r.dataset.key, Number(r.dataset.containers)]));',
  );
  assert.deepEqual(counts, { disposed: 1, generated: 1, refused: 1 });
  await regulator.click(`[data-testid="audit-row"][data-code="${oil}"] td`);
  await orSay(regulator, regulator.waitText('[data-testid="audit-verdict"]', (t) => t.startsWith("✓"), 30000));
  const marks = await regulator.run(
    'return [...document.querySelectorAll("[data-testid=audit-step-verified]")].map((m) => m.textContent);',
  );
  assert.ok(marks.length >= 8 && marks.every((m) => m === "✓"), marks.join(""));
  assert.equal(await regulator.count('[data-testid="audit-step"][data-verified="false"]'), 0);
  await shot(regulator, "regulator-audit-timeline");
});
