// A small W3C WebDriver client over fetch, driving the real app through tauri-driver
// (which starts WebKitWebDriver, which starts the app). No browser download, no npm package.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A tauri-driver process whose app instances see `env` (e.g. their own YIMA_DATA_DIR),
 * started through `wrap` when given (e.g. `["taskset", "-c", "0"]`: the app on one core). */
export async function startDriver(env, wrap = []) {
  const port = await freePort();
  const nativePort = await freePort();
  const args = [...wrap, "tauri-driver", "--port", String(port), "--native-port", String(nativePort)];
  return listening(spawn(args[0], args.slice(1), {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  }), port);
}

/** A WebDriver server process once it answers `/status` on `port` (10 s at most). */
async function listening(proc, port) {
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return { url, proc, stop: () => proc.kill("SIGTERM") };
}

/** WebKitWebDriver itself (no tauri-driver): sessions of it drive WebKitGTK's MiniBrowser, a
 * real browser engine (the app's), for pages served over HTTP. */
export async function startWebKitDriver() {
  const port = await freePort();
  return listening(spawn("WebKitWebDriver", [`--port=${port}`], { stdio: ["ignore", "inherit", "inherit"] }), port);
}

/** Where Debian's WebKitGTK (webkit2gtk-driver's dependency) keeps its MiniBrowser. */
export const MINIBROWSER =
  process.env.YIMA_MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

async function wd(method, url, body) {
  const r = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

export class Session {
  static async start(driver, application) {
    const value = await wd("POST", `${driver.url}/session`, {
      capabilities: { alwaysMatch: { "tauri:options": { application } } },
    });
    return new Session(`${driver.url}/session/${value.sessionId}`);
  }

  /** A MiniBrowser session through `startWebKitDriver`'s driver. */
  static async browser(driver) {
    const value = await wd("POST", `${driver.url}/session`, {
      capabilities: {
        alwaysMatch: { "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } },
      },
    });
    return new Session(`${driver.url}/session/${value.sessionId}`);
  }

  constructor(base) {
    this.base = base;
  }

  /** Opens `url` and waits until it has loaded. */
  async go(url) {
    await wd("POST", `${this.base}/url`, { url });
  }

  async end() {
    await wd("DELETE", this.base).catch(() => {});
  }

  /** The elements `css` finds now, asked again when WebKitWebDriver finds a node the screen
   * re-renders while it makes the handles (it answers "stale element" to a search too). */
  async elements(css) {
    for (let i = 0; ; i++) {
      try {
        return await wd("POST", `${this.base}/elements`, { using: "css selector", value: css });
      } catch (e) {
        if (i >= 20 || !String(e.message).includes("stale element")) throw e;
        await sleep(50);
      }
    }
  }

  async find(css, timeout = 15000) {
    const until = Date.now() + timeout;
    for (;;) {
      const found = await this.elements(css);
      if (found.length > 0) return found[0][ELEMENT];
      if (Date.now() > until) throw new Error(`no element ${css} after ${timeout} ms`);
      await sleep(100);
    }
  }

  async count(css) {
    return (await this.elements(css)).length;
  }

  /** `act` on the element `css` finds, found again when the screen re-rendered it between
   * finding and acting (a stale element). */
  async onElement(css, act) {
    for (let i = 0; ; i++) {
      try {
        return await act(await this.find(css));
      } catch (e) {
        if (i >= 5 || !String(e.message).includes("stale element")) throw e;
        await sleep(100);
      }
    }
  }

  async click(css) {
    await this.onElement(css, (el) => wd("POST", `${this.base}/element/${el}/click`, {}));
  }

  async type(css, text) {
    await this.onElement(css, (el) => wd("POST", `${this.base}/element/${el}/value`, { text }));
  }

  async text(css) {
    return this.onElement(css, (el) => wd("GET", `${this.base}/element/${el}/text`));
  }

  async run(script, ...args) {
    return wd("POST", `${this.base}/execute/sync`, { script, args });
  }

  async value(css) {
    return this.run("return document.querySelector(arguments[0]).value", css);
  }

  /** Waits until the element's text satisfies `test`; returns the text. */
  async waitText(css, test, timeout = 15000) {
    const until = Date.now() + timeout;
    let last = "";
    for (;;) {
      try {
        last = await this.text(css);
        if (test(last)) return last;
      } catch {
        // not there yet
      }
      if (Date.now() > until) throw new Error(`${css}: text ${JSON.stringify(last)} never matched`);
      await sleep(150);
    }
  }

  async screenshot() {
    return Buffer.from(await wd("GET", `${this.base}/screenshot`), "base64");
  }
}

/** Opens tab `name` and lets the screen restore its kept draft before anything is typed. */
export async function tab(s, name) {
  await s.click(`[data-testid="tab-${name}"]`);
  await sleep(300);
}

/** Sets a field's value as typing would, firing its input and change events. */
export const setValue = (s, css, value) =>
  s.run(
    'const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event("input")); e.dispatchEvent(new Event("change"));',
    css,
    value,
  );

/** `waiting`, or its failure with what the app's message bar said. */
export async function orSay(s, waiting) {
  try {
    return await waiting;
  } catch (e) {
    const said = await s.text('[data-testid="message"]').catch(() => "");
    throw new Error(`${e.message}; the app said: ${said}`);
  }
}
