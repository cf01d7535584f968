// End to end: the real app (a debug build) under Xvfb, driven through tauri-driver and
// WebKitWebDriver. Run from ui/: `YIMA_APP=<path to yima-app> xvfb-run -a node --test e2e/`.
// YIMA_SCREENSHOTS=<dir> also saves the screens it passes through (scripts/screenshots).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { Session, sleep, startDriver } from "./webdriver.mjs";

const APP = process.env.YIMA_APP;
const CLI = process.env.YIMA_CLI;
const SHOTS = process.env.YIMA_SCREENSHOTS;
if (!APP) throw new Error("set YIMA_APP to the app binary (e.g. target/debug/yima-app)");

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

async function open(dataDir) {
  const driver = await startDriver({ YIMA_DATA_DIR: dataDir });
  drivers.push(driver);
  return { driver, session: await Session.start(driver, resolve(APP)) };
}

async function shot(session, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await sleep(300);
  writeFileSync(join(SHOTS, `${name}.png`), await session.screenshot());
}

test("a producer's first run, a container registered, labelled, stored and verified, and a form that survives kill -9", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yima-e2e-"));
  const producerDir = join(dir, "producer");
  let { driver, session } = await open(producerDir);

  // First run, in Chinese by default: the credit code is checked as it is typed.
  await session.find('[data-testid="start-offline"]');
  await shot(session, "first-run");
  await session.click('[data-testid="role-producer"]');
  await session.type('[data-testid="org-name"]', "福州示例化工有限公司");
  await session.type('[data-testid="credit-code"]', "91350100M000100Y4A");
  await session.waitText('[data-testid="credit-check"]', (t) => t.startsWith("✗"));
  await session.run('const e = document.querySelector(arguments[0]); e.value = ""; e.dispatchEvent(new Event("input"));', '[data-testid="credit-code"]');
  await session.type('[data-testid="credit-code"]', "91350100M000100Y43");
  await session.waitText('[data-testid="credit-check"]', (t) => t.startsWith("✓"));
  await session.click('[data-testid="start-offline"]');
  await session.waitText('[data-testid="who"]', (t) => t.includes("福州示例化工有限公司") && t.includes("产废单位"));
  await session.waitText('[data-testid="sync"]', (t) => t.includes("离线"));
  // The person doing the steps (经办人), set in the header: signed into each step from now on.
  await session.type('[data-testid="operator"]', "王磊");
  await session.run('document.querySelector(arguments[0]).dispatchEvent(new Event("change"));', '[data-testid="operator"]');
  await session.waitText('[data-testid="message"]', (t) => t.includes("王磊"));

  // Register and label a container, found in the catalogue by Chinese words.
  await session.click('[data-testid="tab-register"]');
  // Offline, the device has no label sequence block of its own: the form says what to do.
  await session.waitText('[data-testid="block-notice"]', (t) => t.includes("序号段") && t.includes("登记中心"));
  await session.type('[data-testid="catalogue-search"]', "废矿物油 900-249");
  await session.click('[data-testid="catalogue-hit"]');
  assert.equal(await session.value('[data-testid="field-waste_code"]'), "900-249-08");
  await session.type('[data-testid="field-amount"]', "180");
  await session.run('const s = document.querySelector(arguments[0]); s.value = "liquid"; s.dispatchEvent(new Event("change"));', '[data-testid="field-form"]');
  await session.type('[data-testid="field-main_components"]', "矿物油");
  await session.type('[data-testid="field-contact"]', "王磊");
  await session.type('[data-testid="field-phone"]', "0591-87654321");
  // A 1000 L tank: the 200 mm label, twice (opposite sides).
  await session.type('[data-testid="field-container_volume"]', "1000");
  await shot(session, "producer-register");
  await session.click('[data-testid="register-submit"]');
  const code = await session.waitText('[data-testid="registered-code"]', (t) => t.length === 37);
  await session.waitText('[data-testid="label-size"]', (t) => t.includes("200 mm") && t.includes("2"));
  assert.equal(await session.count('[data-testid="label-preview"] svg'), 2);
  await shot(session, "producer-label");

  // Store it from the list (bulk selection), then open its timeline: every step verified.
  await session.click('[data-testid="tab-containers"]');
  await session.find(`[data-code="${code}"]`);
  await session.click(`[data-code="${code}"] [data-testid="select"]`);
  await session.type('[data-testid="step-facility_code"]', "WS-01");
  await session.click('[data-testid="step-submit"]');
  await session.waitText(`[data-code="${code}"] [data-testid="state"]`, (t) => t === "已入库");
  await shot(session, "producer-containers");
  await session.click(`[data-code="${code}"] a`);
  await session.waitText('[data-testid="timeline-verdict"]', (t) => t.startsWith("✓"));
  assert.equal(await session.count('[data-testid="step"]'), 2);
  assert.equal(await session.count('[data-testid="step-operator"]'), 2);
  await session.waitText('[data-testid="step-operator"]', (t) => t.includes("王磊"));
  await shot(session, "timeline");

  // The ledger (台账): a row for each stage so far, exported as a CSV file in the data dir.
  await session.click('[data-testid="tab-ledger"]');
  await session.find('[data-testid="ledger-row"]');
  assert.ok((await session.count('[data-testid="ledger-row"]')) >= 2);
  await session.click('[data-testid="ledger-export"]');
  const exported = await session.waitText('[data-testid="message"]', (t) => t.includes(".csv"));
  assert.ok(exported.includes(join(producerDir, "exports")), exported);

  // Open the label from a photo of it (the PNG the CLI prints), as an inspector would.
  if (CLI) {
    const png = join(dir, "label.png");
    execFileSync(CLI, ["--data-dir", producerDir, "label", code, "--format", "png", "-o", png]);
    await session.click('[data-testid="tab-open"]');
    assert.equal(await session.count('[data-testid="timeline-verdict"]'), 0);
    await session.type('[data-testid="open-image"]', png);
    await session.waitText('[data-testid="timeline-verdict"]', (t) => t.startsWith("✓"));
    assert.equal(await session.value('[data-testid="open-code"]'), code);

    // An evidence bundle of the container, checked offline in the app: it verifies; with one
    // digit of its first event changed, it fails naming that event (#1).
    const bundle = join(dir, "bundle.json");
    execFileSync(CLI, ["--data-dir", producerDir, "export", "bundle", "--container", code, "-o", bundle]);
    await session.click('[data-testid="tab-verify"]');
    await session.type('[data-testid="bundle-file"]', bundle);
    await session.waitText('[data-testid="bundle-verdict"]', (t) => t.startsWith("✓"));
    // A device's own export: no registry attested its key records, and the screen says so.
    assert.equal(
      await session.count('[data-testid="bundle-keys"][data-rest-on="exporters_word"]'),
      1,
      "a device's export is shown as the exporter's word",
    );
    const lines = readFileSync(bundle, "utf8").split("\n");
    const first = lines.findIndex((l) => l.startsWith('{"id":'));
    const body = lines[first].indexOf('"body":"');
    const digit = body + lines[first].slice(body).search(/[0-9]/);
    assert.ok(first >= 0 && body >= 0 && digit > body, "the bundle's first event has a digit in its body");
    lines[first] = lines[first].slice(0, digit) + String((Number(lines[first][digit]) + 1) % 10) + lines[first].slice(digit + 1);
    const tampered = join(dir, "tampered.json");
    writeFileSync(tampered, lines.join("\n"));
    await session.click('[data-testid="tab-open"]');
    await session.click('[data-testid="tab-verify"]');
    await session.type('[data-testid="bundle-file"]', tampered);
    await session.waitText('[data-testid="bundle-verdict"]', (t) => t.startsWith("✗"));
    const failure = await session.text('[data-testid="bundle-failure"]');
    assert.ok(failure.startsWith("#1 "), failure);
  }

  // Start a second container, then kill the app mid-form: the form comes back as it was.
  await session.click('[data-testid="tab-register"]');
  await session.type('[data-testid="field-amount"]', "75");
  await session.type('[data-testid="field-contact"]', "李娜");
  await sleep(500);
  const killed = spawnSync("pkill", ["-9", "-f", resolve(APP)]);
  assert.equal(killed.status, 0, "the app was running and is killed");
  await session.end();
  driver.stop();
  await sleep(500);
  ({ driver, session } = await open(producerDir));
  await session.click('[data-testid="tab-register"]');
  await session.waitText('[data-testid="who"]', (t) => t.includes("福州示例化工有限公司"));
  for (let i = 0; i < 50 && (await session.value('[data-testid="field-amount"]')) !== "75"; i++) await sleep(100);
  assert.equal(await session.value('[data-testid="field-amount"]'), "75");
  assert.equal(await session.value('[data-testid="field-contact"]'), "李娜");

  // English on request, kept for the next start.
  await session.click('[data-testid="toggle-lang"]');
  await session.waitText('[data-testid="tab-containers"]', (t) => t === "Containers");
  await session.end();
});

test("the demo's data, separate from the user's own, shows every screen with real records", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yima-e2e-demo-"));
  const { session } = await open(dir);
  await session.click('[data-testid="role-receiver"]');
  await session.click('[data-testid="start-demo"]');
  await session.find('[data-testid="demo-badge"]');
  await session.find('[data-testid="container-row"]');
  assert.ok((await session.count('[data-testid="container-row"]')) >= 3);
  await shot(session, "receiver-demo-containers");
  // A container that went the whole way: not the one still in the producer's store.
  await session.run(
    `const rows = [...document.querySelectorAll('[data-testid="container-row"]')];
     const far = rows.find((r) => r.querySelector('[data-testid="state"]').textContent !== "已入库");
     far.querySelector("a").click();`,
  );
  await session.waitText('[data-testid="timeline-verdict"]', (t) => t.startsWith("✓"));
  const steps = await session.count('[data-testid="step"]');
  assert.ok(steps >= 5, `${steps} steps`);
  await shot(session, "receiver-demo-timeline");
  await session.click('[data-testid="tab-verify"]');
  await session.click('[data-testid="verify-run"]');
  await session.waitText('[data-testid="verify-result"]', (t) => t.includes("全部校验通过"));
  await session.click('[data-testid="leave-demo"]');
  await session.find('[data-testid="start-offline"]');
  await session.end();
});
