// Where a carrier's route comes from and its recording while a transport is in progress: a
// file of fixes (GPX or CSV, read again every half minute), the phone's own position (the
// geolocation plugin, Android and iOS), or none, said plainly on screen. The device records
// fixes only for manifests it carries containers under, in transit; this only feeds it.
import { api, isAppError } from "./api";
import type { AppStatus, Location, RouteRecorded } from "./bindings";
import { h } from "./dom";
import { t } from "./i18n";
import { isMobile } from "./scanner";

const EVERY_MS = 30_000;
let said = "";
let timer: ReturnType<typeof setInterval> | null = null;
let watching: number | null = null;
let starting = false;

/** What the location source is, in one line. */
export function locationText(loc: Location): string {
  switch (loc.source) {
    case "file":
      return t("app.location.file", { path: loc.path });
    case "device":
      return t("app.location.device");
    default:
      return t("app.location.none");
  }
}

/** What the last reading recorded, in one line. */
export function recordedText(recorded: RouteRecorded[]): string {
  if (recorded.length === 0) return t("app.location.idle");
  return recorded.map((r) => t("app.location.recorded", { manifest: r.manifest, added: r.added, held: r.held })).join("；");
}

function say(text: string): void {
  said = text;
  document.querySelectorAll<HTMLElement>('[data-testid="route-recorded"]').forEach((el) => (el.textContent = text));
}

/** Reads the location file now (when that is the source) and says what it recorded. */
export async function recordNow(): Promise<void> {
  try {
    say(recordedText(await api.recordRouteFromSource()));
  } catch (e) {
    say(isAppError(e) ? e.message : String(e));
  }
}

/** The phone's position, each new one recorded for the transports in progress. */
async function watchDevice(): Promise<void> {
  // Asked again on every refresh: one watch only, even while the first is being set up.
  if (watching !== null || starting || !isMobile()) return;
  starting = true;
  try {
    await startWatch();
  } finally {
    starting = false;
  }
}

async function startWatch(): Promise<void> {
  const geo = await import("@tauri-apps/plugin-geolocation");
  let perms = await geo.checkPermissions();
  if (perms.location !== "granted") perms = await geo.requestPermissions(["location"]);
  if (perms.location !== "granted") {
    say(t("app.location.denied"));
    return;
  }
  watching = await geo.watchPosition({ enableHighAccuracy: true, timeout: 30_000, maximumAge: 0 }, (pos) => {
    if (!pos) return;
    const c = pos.coords;
    const csv = `time,lat,lon,accuracy_m\n${new Date(pos.timestamp).toISOString()},${c.latitude.toFixed(7)},${c.longitude.toFixed(7)},${Math.round(c.accuracy)}\n`;
    api
      .recordRouteFixes(csv)
      .then((r) => say(recordedText(r)))
      .catch((e) => say(isAppError(e) ? e.message : String(e)));
  });
}

/** Starts (or stops) recording to match the carrier's chosen source. */
export function followSource(status: AppStatus): void {
  const carrier = status.identity?.role === "carrier";
  const source = carrier ? status.location.source : "none";
  if (source === "file" && timer === null) {
    timer = setInterval(() => void recordNow(), EVERY_MS);
    void recordNow();
  }
  if (source !== "file" && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
  if (source === "device") void watchDevice().catch((e) => say(String(e)));
  if (source !== "device" && watching !== null) {
    const id = watching;
    watching = null;
    void import("@tauri-apps/plugin-geolocation").then((geo) => geo.clearWatch(id));
  }
  if (source === "none") say("");
}

/** The header's line for a carrier: the source, and what it last recorded. */
export function locationLine(status: AppStatus): HTMLElement {
  return h(
    "div",
    { class: `location ${status.location.source}`, "data-testid": "location" },
    locationText(status.location),
    " ",
    h("span", { "data-testid": "route-recorded" }, said),
  );
}

/** The carrier's setting: none, a file of fixes, or (on a phone) the device's position. */
export function locationPanel(status: AppStatus, changed: (s: AppStatus) => void): HTMLElement {
  const sources = isMobile() ? ["none", "file", "device"] : ["none", "file"];
  const source = h(
    "select",
    { "data-testid": "location-source" },
    sources.map((s) => h("option", { value: s }, t(`app.location.source.${s}`))),
  ) as HTMLSelectElement;
  source.value = status.location.source;
  const path = h("input", {
    "data-testid": "location-file",
    placeholder: "/media/gps/track.gpx · route.csv",
  }) as HTMLInputElement;
  path.value = status.location.source === "file" ? status.location.path : "";
  const save = async () => {
    const loc: Location =
      source.value === "file"
        ? { source: "file", path: path.value.trim() }
        : source.value === "device"
          ? { source: "device" }
          : { source: "none" };
    try {
      changed(await api.setLocation(loc));
    } catch (e) {
      say(isAppError(e) ? e.message : String(e));
    }
  };
  return h(
    "fieldset",
    { class: "location-panel" },
    h("legend", {}, t("app.location.title")),
    h("p", { class: "note" }, t("app.location.explain")),
    h("label", { class: "field" }, t("app.location.source"), source),
    h("label", { class: "field" }, t("app.location.path"), path),
    h("button", { "data-testid": "location-save", onclick: save }, t("app.location.save")),
    h("button", { "data-testid": "route-record-now", onclick: () => void recordNow() }, t("app.location.record_now")),
  );
}
