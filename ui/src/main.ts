import { api, isAppError } from "./api";
import type { AppStatus } from "./bindings";
import { h, mount } from "./dom";
import { setLang, t, type Lang } from "./i18n";
import { firstRun } from "./screens/firstrun";
import { containersScreen } from "./screens/containers";
import { registerScreen } from "./screens/register";
import { openLabelScreen } from "./screens/timeline";
import { verifyScreen } from "./screens/verify";
import { ledgerScreen } from "./screens/ledger";
import { handoverScreen } from "./screens/handover";
import { registryScreen } from "./screens/registry";
import { auditScreen } from "./screens/audit";
import { manifestsScreen } from "./screens/manifests";
import { manifestsTab } from "./manifests";
import { setCameraSource } from "./camera";
import { blockNotice, progressText, syncLine } from "./status";
import { followSource, locationLine, locationPanel } from "./location";

const root = document.getElementById("app")!;
let status: AppStatus;
let tab = "containers";
let lastSyncFailed = false;
let syncing = false;
let again = false;

/** One sync with the registry: progress in the header, the outcome in the message bar. */
async function syncOnce(): Promise<void> {
  const line = () => document.querySelector<HTMLElement>('[data-testid="sync-progress"]');
  try {
    const done = await api.sync((p) => {
      const el = line();
      if (el) el.textContent = ` · ${progressText(p)}`;
    });
    lastSyncFailed = false;
    const offers =
      done.offers_sent + done.offers_received > 0
        ? t("app.sync.offers", { sent: done.offers_sent, received: done.offers_received })
        : "";
    const sightings = done.sightings_sent > 0 ? t("app.sync.sightings", { sent: done.sightings_sent }) : "";
    showDone(
      t("app.sync.done", { accepted: done.accepted, pulled: done.pulled, refused: done.refused, pending: done.pending }) +
        offers +
        sightings,
    );
  } catch (e) {
    lastSyncFailed = isAppError(e) && e.kind === "sync_unreachable";
    showError(e);
  }
  const keep = document.getElementById("message")?.cloneNode(true);
  await refresh();
  if (keep) document.getElementById("message")?.replaceWith(keep);
}

/** Syncs with the registry; asked again while it runs, it runs once more after. */
export async function syncNow(): Promise<void> {
  if (!status?.registry) return;
  if (syncing) {
    again = true;
    return;
  }
  syncing = true;
  // For whoever watches (the end-to-end tests): "1" from the start of a sync until the
  // screen shows its outcome.
  document.body.dataset.syncing = "1";
  try {
    do {
      again = false;
      await syncOnce();
    } while (again);
  } finally {
    syncing = false;
    document.body.dataset.syncing = "0";
  }
}

/** Shows an error in the user's language; the kind decides the tone. */
export function showError(e: unknown): void {
  const bar = document.getElementById("message");
  const text = isAppError(e) ? e.message : String(e);
  if (bar) {
    bar.className = "message error";
    bar.dataset.kind = isAppError(e) ? e.kind : "other";
    bar.textContent = text;
  }
}

export function showDone(text: string): void {
  const bar = document.getElementById("message");
  if (bar) {
    bar.className = "message done";
    bar.dataset.kind = "";
    bar.textContent = text;
  }
}

export async function refresh(next?: AppStatus): Promise<void> {
  status = next ?? (await api.status());
  setCameraSource(status.camera);
  followSource(status);
  setLang(status.lang as Lang);
  render();
  // For whoever measures start-up (scripts/bench-app): when the first screen could be used.
  document.body.dataset.readyAt ??= String(Date.now());
}

/** The person doing the steps (经办人), signed into every event this device records. */
function operatorField(operator: string | null): HTMLElement {
  const input = h("input", {
    "data-testid": "operator",
    placeholder: t("app.operator.placeholder"),
  }) as HTMLInputElement;
  input.value = operator ?? "";
  input.addEventListener("change", async () => {
    try {
      await refresh(await api.setOperator(input.value));
      showDone(t("app.operator.set", { name: input.value.trim() }));
    } catch (e) {
      input.value = operator ?? "";
      showError(e);
    }
  });
  return h("label", { class: "operator" }, t("app.operator.label"), input);
}

function render(): void {
  document.title = t("app.title");
  if (!status.initialised) {
    mount(root, firstRun(status), h("div", { id: "message", class: "message" }));
    return;
  }
  const id = status.identity!;
  const tabs: [string, string][] = [["containers", "app.tab.containers"]];
  if (id.role === "producer") tabs.push(["register", "app.tab.register"]);
  if (id.role !== "regulator") tabs.push(["manifests", manifestsTab(id.role)]);
  if (id.role !== "regulator") tabs.push(["handover", "app.tab.handover"]);
  if (id.role !== "regulator") tabs.push(["ledger", "app.tab.ledger"]);
  tabs.push(["open", "app.tab.open"], ["verify", "app.tab.verify"]);
  // The registry's audit API, for a regulator once it is enrolled.
  if (id.role === "regulator" && status.registry) tabs.push(["audit", "app.tab.audit"]);
  tabs.push(["registry", "app.tab.registry"]);
  if (!tabs.some(([name]) => name === tab)) tab = "containers";
  const body =
    tab === "register"
      ? registerScreen(blockNotice(status))
      : tab === "open"
        ? openLabelScreen()
        : tab === "verify"
          ? verifyScreen()
          : tab === "ledger"
            ? ledgerScreen()
          : tab === "handover"
            ? h(
                "div",
                {},
                id.role === "carrier" ? locationPanel(status, (s) => void refresh(s)) : null,
                handoverScreen(id.role, Boolean(status.registry)),
              )
          : tab === "manifests"
            ? manifestsScreen(id.role)
          : tab === "registry"
            ? registryScreen(status, () => void syncNow())
          : tab === "audit"
            ? auditScreen()
          : containersScreen(id.role, (code) => {
              tab = "open";
              render();
              void openLabelScreen.show(code);
            });
  mount(
    root,
    h(
      "header",
      {},
      h("div", { class: "brand" }, t("common.app_name"), h("small", {}, t("common.tagline"))),
      h(
        "div",
        { class: "who", "data-testid": "who" },
        `${id.org_name} · ${t(`common.role.${id.role}`)}`,
        status.demo ? h("span", { class: "badge", "data-testid": "demo-badge" }, t("app.demo.badge")) : null,
      ),
      operatorField(status.operator),
      syncLine(status, lastSyncFailed, () => void syncNow()),
      id.role === "carrier" ? locationLine(status) : null,
      h(
        "button",
        {
          class: "lang",
          "data-testid": "toggle-lang",
          onclick: async () => refresh(await api.setLang(status.lang === "zh" ? "en" : "zh")),
        },
        status.lang === "zh" ? "English" : "中文",
      ),
      status.demo
        ? h(
            "button",
            { "data-testid": "leave-demo", onclick: async () => refresh(await api.leaveDemo()) },
            t("app.demo.leave"),
          )
        : null,
    ),
    h(
      "nav",
      {},
      tabs.map(([name, key]) =>
        h(
          "button",
          {
            class: name === tab ? "tab active" : "tab",
            "data-testid": `tab-${name}`,
            onclick: () => {
              tab = name;
              render();
            },
          },
          t(key),
        ),
      ),
    ),
    h("div", { id: "message", class: "message", "data-testid": "message" }),
    h("main", {}, body),
    status.camera === "test" ? h("img", { id: "yima-test-camera", "data-testid": "test-camera", hidden: true, alt: "" }) : null,
  );
}

window.addEventListener("online", () => void refresh().then(syncNow));
window.addEventListener("offline", () => void refresh());
// Sync when the app starts and every five minutes while it runs (when enrolled).
refresh()
  .then(syncNow)
  .catch(showError);
setInterval(() => void syncNow(), 5 * 60 * 1000);
