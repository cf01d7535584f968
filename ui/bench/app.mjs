// The app's benchmarks (issue 11): cold start to interactive, memory after registering and
// labelling 200 containers, and the time from the register tap to the label preview. Drives
// the real (release) app through tauri-driver under Xvfb; run it with `scripts/bench-app`.
// Each figure comes with its raw limit measured in the same run:
// - start: the time until the web view starts loading the app's page (process start, GTK and
//   WebKit), which any Tauri app pays before its own code runs;
// - memory: the same processes' memory at the first-run screen, before any container;
// - register to preview: one round trip of the app's cheapest command (`app_status`).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Session, sleep, startDriver } from "../e2e/webdriver.mjs";
import { memory, stop } from "./procs.mjs";

const APP = process.env.YIMA_APP;
if (!APP) throw new Error("set YIMA_APP to the app binary (e.g. target/release/yima-app)");
const RUNS = Number(process.env.YIMA_BENCH_STARTS ?? 5);
const CONTAINERS = Number(process.env.YIMA_BENCH_CONTAINERS ?? 200);
const TAPS = Number(process.env.YIMA_BENCH_TAPS ?? 20);
const base = mkdtempSync(join(tmpdir(), "yima-bench-app-"));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.9) - 1];

async function open(dataDir) {
  const driver = await startDriver({ YIMA_DATA_DIR: dataDir });
  const spawned = Date.now();
  const session = await Session.start(driver, resolve(APP));
  return { driver, session, spawned };
}

async function readyAt(session) {
  for (let i = 0; i < 300; i++) {
    const at = await session.run("return document.body && document.body.dataset.readyAt");
    if (at) return Number(at);
    await sleep(5);
  }
  throw new Error("the app never showed its first screen");
}

const invoke = (session, cmd, args) =>
  session.run(
    "return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => JSON.stringify(v));",
    cmd,
    args ?? {},
  );

const FORM = {
  waste_code: "900-249-08", amount: "180", unit: "kg", form: "liquid", name: "", hazards: "",
  main_components: "矿物油", harmful_components: "", precautions: "", contact: "王磊",
  phone: "0591-87654321", container_type: "200L 钢桶", facility_code: "WS-01", remarks: "",
  classification_reason: "", test_report: "",
};

async function producer(session) {
  await invoke(session, "init_device", {
    req: { role: "producer", org_name: "福州示例化工有限公司", credit_code: "91350100M000100Y43" },
  });
  await session.run("location.reload()");
  await sleep(500);
  await session.find('[data-testid="tab-register"]');
}

// 1. Cold start: a new data directory each time (the first-run screen).
const starts = [];
const raws = [];
for (let i = 0; i < RUNS; i++) {
  const { driver, session, spawned } = await open(join(base, `start-${i}`));
  const ready = await readyAt(session);
  const origin = await session.run("return performance.timeOrigin");
  starts.push(ready - spawned);
  raws.push(origin - spawned);
  await session.end();
  await stop(driver);
}

// 2 and 3 in one app: memory at the first-run screen, then after 200 containers, each
// registered and its label rendered as the preview does; then register taps in the UI.
const { driver, session } = await open(join(base, "work"));
await readyAt(session);
await sleep(1000);
const before = memory();
await producer(session);
for (let i = 0; i < CONTAINERS; i++) {
  const row = JSON.parse(await invoke(session, "register_container", { req: { ...FORM, amount: String(100 + i) } }));
  await invoke(session, "label_svg", { code: row.code });
}
await sleep(1000);
const after = memory();

const trips = [];
for (let i = 0; i < 50; i++) {
  trips.push(
    await session.run(
      "const t0 = performance.now(); return window.__TAURI_INTERNALS__.invoke('app_status').then(() => performance.now() - t0);",
    ),
  );
}
const taps = [];
await session.click('[data-testid="tab-register"]');
for (let i = 0; i < TAPS; i++) {
  for (const [name, value] of Object.entries({ waste_code: "900-249-08", amount: "60", main_components: "矿物油", contact: "王磊", phone: "0591-87654321" })) {
    await session.run(
      "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('input'));",
      `[data-testid="field-${name}"]`,
      value,
    );
  }
  taps.push(
    await session.run(`
      const before = document.querySelector('[data-testid="registered-code"]')?.textContent;
      return new Promise((done, fail) => {
        const t0 = performance.now();
        const seen = () => {
          const code = document.querySelector('[data-testid="registered-code"]');
          if (code && code.textContent !== before && document.querySelector('[data-testid="label-preview"] svg')) {
            observer.disconnect();
            done(performance.now() - t0);
          }
        };
        const observer = new MutationObserver(seen);
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        setTimeout(() => fail(new Error("no preview after 10 s: " + document.getElementById("message")?.textContent)), 10000);
        document.querySelector('[data-testid="register-submit"]').click();
      });`),
  );
}
await session.end();
await stop(driver);

const ms = (x) => `${Math.round(x)} ms`;
const mb = (x) => `${Math.round(x)} MB`;
console.log(`app benchmarks (${new Date().toISOString()}, ${APP})`);
console.log(
  `cold start to interactive, ${RUNS} starts: median ${ms(median(starts))} (each ${starts.map(ms).join(", ")}); ` +
    `raw (process, GTK and WebKit until the page loads): median ${ms(median(raws))}; ` +
    `the app's own share: median ${ms(median(starts) - median(raws))}; goal <= 1500 ms`,
);
console.log(
  `memory after ${CONTAINERS} containers registered and labelled: RSS ${mb(after.rss)}, PSS ${mb(after.pss)} ` +
    `(${after.processes} processes); raw (first-run screen, no container): RSS ${mb(before.rss)}, PSS ${mb(before.pss)}; ` +
    `ratio RSS ${(after.rss / before.rss).toFixed(2)}x; goal RSS <= 200 MB; RSS by process after: ${after.each}; before: ${before.each}`,
);
console.log(
  `register tap to label preview, ${TAPS} taps: median ${ms(median(taps))}, p90 ${ms(p90(taps))}; ` +
    `raw (one app_status round trip): median ${median(trips).toFixed(2)} ms; goal <= 100 ms`,
);
process.exit(0);
