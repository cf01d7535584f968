// Scanning through the camera, with no network: a producer's app and a driver's app face each
// other. The driver's identity, the producer's offer, twenty labels one after another (with a
// label not on the offer, a forged one and a repeat among them) and the driver's
// acknowledgement all pass through cameras; the camera is the app's test camera, a canvas
// stream showing the pictures the test puts on screen (WebKit's own mock cameras show only a
// test pattern), decoded by the app's own Rust decoder frame by frame. Needs YIMA_APP, YIMA_CLI and YIMA_TEST_QR (scripts/test-app
// sets them).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { orSay, Session, setValue, sleep, startDriver, tab } from "./webdriver.mjs";

const APP = process.env.YIMA_APP;
const CLI = process.env.YIMA_CLI;
const TEST_QR = process.env.YIMA_TEST_QR;
if (!APP || !CLI || !TEST_QR) throw new Error("set YIMA_APP, YIMA_CLI and YIMA_TEST_QR");

const stops = [];
const sessions = [];
after(async () => {
  for (const s of sessions) await s.end().catch(() => {});
  stops.forEach((stop) => stop());
});

const PRODUCER = ["91350100M000100Y43", "福州示例化工有限公司"];
const CARRIER = ["91350100MA2XY80011", "闽运危货运输有限公司"];
const RECEIVER = ["91350200MA3ABC8Q2E", "厦门危废处置有限公司"];
const MANIFEST = "20263501000123";
const N = 20;

const cli = (dir, ...args) => execFileSync(CLI, ["--data-dir", dir, ...args], { encoding: "utf8" }).trim();
const json = (dir, ...args) => JSON.parse(cli(dir, "--json", ...args));

async function open(dataDir, env = {}) {
  const driver = await startDriver({ YIMA_DATA_DIR: dataDir, YIMA_TEST_CAMERA: "1", ...env });
  stops.push(driver.stop);
  const session = await Session.start(driver, resolve(APP));
  sessions.push(session);
  await session.find('[data-testid="who"]');
  return session;
}

/** Shows the picture in file `png` to the camera of `s`: in test mode (YIMA_TEST_CAMERA=1)
 * the app's camera is a 1280×720 canvas stream painting the hidden `#yima-test-camera`
 * image, whose picture the test sets (WebDriver's scripts share the page's DOM, not its
 * JavaScript). */
async function show(s, png) {
  const url = `data:image/png;base64,${readFileSync(png).toString("base64")}`;
  await s.run("document.getElementById('yima-test-camera').src = arguments[0]", url);
}

test("two apps hand over twenty containers offline through their cameras, each label judged as it is read", async () => {
  const dir = mkdtempSync(join(tmpdir(), "yima-e2e-camera-"));
  const [p, c] = [join(dir, "producer"), join(dir, "carrier")];
  cli(p, "init", "--role", "producer", "--org-name", PRODUCER[1], "--credit-code", PRODUCER[0]);
  cli(c, "init", "--role", "carrier", "--org-name", CARRIER[1], "--credit-code", CARRIER[0]);

  // The producer's twenty drums (and one more that stays), weighed, stored and dispatched,
  // their labels printed as pictures.
  const codes = [];
  for (let i = 0; i <= N; i++) {
    const v = json(p, "container", "new", "--waste-code", "900-249-08", "--weight", String(20 + i), "--unit", "kg",
      "--form", "liquid", "--main-components", "矿物油", "--contact", "王磊", "--phone", "0591-87654321");
    codes.push(v.code);
  }
  const [stays, ...drums] = [codes[N], ...codes.slice(0, N)];
  json(p, "record", "store", ...codes, "--facility", "WS-01");
  for (const [i, code] of codes.entries()) json(p, "record", "weigh", code, "--weight", String(20 + i), "--unit", "kg", "--weigher", "王磊");
  json(p, "record", "dispatch", ...drums, "--manifest", MANIFEST, "--carrier-code", CARRIER[0], "--carrier-name", CARRIER[1],
    "--receiver-code", RECEIVER[0], "--receiver-name", RECEIVER[1], "--receiver-permit", "闽危废经许字 350200001 号", "--facility", "WS-01");
  const labels = join(dir, "labels");
  cli(p, "label", ...codes, "--format", "png", "-o", labels);
  const picture = (code) => join(labels, readdirSync(labels).find((f) => f.includes(code)));
  // A forged label: the first drum's signed text with its quantity changed, printed anew.
  const [read] = json(p, "scan", picture(drums[0]));
  const text = read.codes?.[0]?.text ?? read.text;
  assert.ok(text, JSON.stringify(read));
  const forgedText = text.replace("20KG", "90KG").replace("20kg", "90kg");
  assert.notEqual(forgedText, text, `no quantity to change in ${text}`);
  const forged = join(dir, "forged.png");
  execFileSync(TEST_QR, [forgedText, forged]);

  // The producer's web view composites its layers (as with a GPU: frames told by
  // requestVideoFrameCallback); the carrier's, as on this machine with no GPU, does not
  // (frames seen by the video's decoded count).
  const producer = await open(p, { YIMA_WEBVIEW_GPU: "on" });
  const carrier = await open(c);

  // The driver shows its identity; the producer's camera reads it from the driver's screen.
  await tab(carrier, "handover");
  await carrier.click('[data-testid="show-identity"]');
  const identity = await carrier.waitText('[data-testid="identity-qr-path"]', (t) => t.endsWith(".png"));
  await tab(producer, "containers");
  await producer.find(`[data-code="${drums[0]}"]`);
  await producer.run(
    `for (const row of document.querySelectorAll('[data-testid="container-row"]')) {
       const box = row.querySelector('[data-testid="select"]');
       if (box.checked !== arguments[0].includes(row.dataset.code)) box.click();
     }`,
    drums,
  );
  await tab(producer, "handover");
  await producer.click('[data-testid="camera-start-give"]');
  await show(producer, identity);
  await orSay(producer, producer.waitText('[data-testid="taker"]', (t) => t.startsWith("✓"), 20000));
  await setValue(producer, '[data-testid="give-step"]', "pickup");
  for (const [name, value] of Object.entries({ manifest: MANIFEST, vehicle_plate: "闽A·D1234", driver: "陈师傅", permit: "闽交运管许可榕字 350100000001 号" })) {
    await setValue(producer, `[data-testid="give-${name}"]`, value);
  }
  await producer.click('[data-testid="give-submit"]');
  const offer = await orSay(producer, producer.waitText('[data-testid="offer-qr-path"]', (t) => t.endsWith(".png")));

  // The driver's camera reads the offer from the producer's screen, then the labels one after
  // another with no tap between them.
  await carrier.click('[data-testid="camera-start-take"]');
  await show(carrier, offer);
  await orSay(carrier, carrier.waitText('[data-testid="offer-read"]', (t) => t.startsWith("✓"), 20000));
  const count = (n, alarms) => carrier.waitText('[data-testid="scan-count-take"]', (t) => t.startsWith(`已读 ${n} 个`) && t.includes(`警告 ${alarms} 个`), 20000);
  // What each picture must do: a new drum (green), an alarm (red), or nothing (a repeat).
  const sequence = [
    ...drums.slice(0, 10).map((d) => [picture(d), "ok"]),
    [picture(stays), "alarm"],
    ...drums.slice(10, 15).map((d) => [picture(d), "ok"]),
    [forged, "alarm"],
    [picture(drums[3]), "repeat"],
    ...drums.slice(15).map((d) => [picture(d), "ok"]),
  ];
  let seen = 0;
  let alarms = 0;
  for (const [png, expect] of sequence) {
    await show(carrier, png);
    if (expect === "repeat") {
      // The same code twice is ignored: the count stays.
      await sleep(1000);
    } else {
      seen++;
      if (expect === "alarm") alarms++;
    }
    await orSay(carrier, count(seen, alarms));
    if (expect !== "repeat") {
      const flash = await carrier.run('return document.querySelector("[data-testid=scanner-take]").dataset.flash');
      assert.equal(flash, expect, `the flash after ${png}`);
    }
  }
  const verdicts = await carrier.run(
    'return [...document.querySelectorAll("[data-testid=scan-item]")].map((e) => [e.dataset.code, e.dataset.verdict])',
  );
  assert.equal(verdicts.length, N + 2);
  const by = Object.fromEntries(verdicts.map(([code, v]) => [`${code}:${v}`, true]));
  for (const d of drums) assert.ok(by[`${d}:new`], `${d} read as new`);
  assert.ok(by[`${stays}:not_on_offer`], "the drum not on the offer is flagged");
  assert.ok(by[`${drums[0]}:forged`], "the forged label is flagged");
  assert.equal(verdicts.filter(([, v]) => v === "new").length, N);

  // Countersign (only the labels on the offer go in) and show the acknowledgement, which the
  // producer's camera reads back.
  await carrier.click('[data-testid="take-submit"]');
  const ack = await orSay(carrier, carrier.waitText('[data-testid="ack-qr-path"]', (t) => t.endsWith(".png")));
  await producer.click('[data-testid="camera-start-give"]');
  await show(producer, ack);
  await orSay(producer, producer.waitText('[data-testid="give-done"]', (t) => t.startsWith("✓"), 20000));

  // A scan gun types a label's text and Enter: the driver opens that drum's timeline with it.
  await tab(carrier, "open");
  await carrier.type('[data-testid="scan-gun-open"]', `${text}\uE007`);
  await orSay(carrier, carrier.waitText('[data-testid="timeline-verdict"]', (t) => t.startsWith("✓")));
  assert.ok((await carrier.text('[data-testid="timeline"]')).includes(drums[0]));

  // Both hold the same dual-signed pickup of the twenty drums; the one not on the offer stays.
  const held = json(c, "container", "list");
  const inTransit = (held.containers ?? held).filter((r) => r.state === "in_transit").map((r) => r.code);
  assert.deepEqual([...inTransit].sort(), [...drums].sort());
  assert.equal(json(p, "verify").ok, true);
  assert.equal(json(c, "verify").ok, true);
});
