// The processes of a benchmarked app: its tree below a tauri-driver, stopping it, and its
// memory (the app and its WebKit helpers). Shared by the app's benchmarks.
import { readFileSync, readdirSync } from "node:fs";
import { sleep } from "../e2e/webdriver.mjs";

/** Every process now: its parent and its name, by pid. */
function processes() {
  const parent = new Map();
  const names = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(pid, stat.slice(stat.indexOf("(") + 1, close));
      parent.set(pid, stat.slice(close + 2).split(" ")[1]);
    } catch {
      // gone
    }
  }
  return { parent, names };
}

/** The processes `roots` and every process below them. */
function descendants(parent, roots) {
  const tree = new Set(roots.map(String));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** The process `root` and every process below it. */
function processTree(root) {
  return descendants(processes().parent, [root]);
}

/** Stops a tauri-driver with its WebKitWebDriver and app: tauri-driver does not always
 * leave on SIGTERM once its session is closed, and a lingering one keeps the output open. */
export async function stop(driver) {
  for (const pid of processTree(driver.proc.pid).reverse()) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone
    }
  }
  await sleep(200);
}

/** The app's process and its WebKit helpers: summed resident memory (RSS) and PSS, in MB. */
export function memory() {
  const { parent, names } = processes();
  const apps = [...names].filter(([, n]) => n === "yima-app").map(([p]) => p);
  if (apps.length !== 1) throw new Error(`expected one yima-app process, found ${apps.length}`);
  const tree = new Set(descendants(parent, apps));
  let rss = 0;
  let pss = 0;
  const each = [];
  for (const pid of tree) {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const r = Number(/^Rss:\s+(\d+)/m.exec(rollup)[1]);
    rss += r;
    pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)[1]);
    each.push(`${names.get(pid)} ${Math.round(r / 1024)} MB`);
  }
  return { rss: rss / 1024, pss: pss / 1024, processes: tree.size, each: each.join(", ") };
}

