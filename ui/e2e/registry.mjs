// A real registry on a free port for the end-to-end tests: each of `orgs` (role name →
// {code, name, role?}) added, with a single-use enrolment code (the receiver's also as a
// picture of its enrolment QR code), served until `stops` are run.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { freePort, sleep } from "./webdriver.mjs";

/** The story's organisations, role name → {code, name, role?} (the relay is a carrier). */
export const ORGS = {
  producer: { code: "91350100M000100Y43", name: "福州示例化工有限公司" },
  carrier: { code: "91350100MA2XY80011", name: "闽运危货运输有限公司" },
  relay: { code: "91350200MA2RL3007W", name: "厦门安运危货运输有限公司", role: "carrier" },
  receiver: { code: "91350200MA3ABC8Q2E", name: "厦门危废处置有限公司" },
  regulator: { code: "11350000MB0000001W", name: "福建省生态环境厅" },
};

export async function startRegistryWith(bin, dir, orgs, stops) {
  const db = join(dir, "registry.db");
  const admin = (...args) => execFileSync(bin, ["--db", db, "admin", ...args], { encoding: "utf8" }).trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const codes = {};
  // The receiver enrols by a picture of its enrolment QR code, as the operator writes it.
  const qr = join(dir, "receiver-enrolment.png");
  for (const [role, org] of Object.entries(orgs)) {
    const extra = role === "regulator" ? ["--jurisdiction", "35"] : [];
    const as = org.role ?? role;
    admin("add-org", "--credit-code", org.code, "--name", org.name, "--roles", as, ...extra);
    const picture = role === "receiver" ? ["--url", url, "--qr", qr] : [];
    codes[role] = admin("enrol-code", "--org", org.code, "--role", as, ...picture).split("\n").pop();
  }
  const proc = spawn(bin, ["--db", db, "serve", "--listen", `127.0.0.1:${port}`], { stdio: "inherit" });
  stops.push(() => proc.kill("SIGTERM"));
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return { url, codes, qr };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("the registry did not start");
}
