import type { AppStatus, SyncProgressView } from "./bindings";
import { h } from "./dom";
import { t } from "./i18n";

/** Where the device stands: not enrolled (works offline), enrolled but without a network
 * now, enrolled and online, or enrolled and the last sync could not reach the registry. */
export type Connectivity = "offline" | "no_network" | "enrolled" | "unreachable";

export function connectivity(
  status: Pick<AppStatus, "registry">,
  online = true,
  lastSyncFailed = false,
): Connectivity {
  if (!status.registry) return "offline";
  if (!online) return "no_network";
  return lastSyncFailed ? "unreachable" : "enrolled";
}

/** The notice a producer's device shows while it has no label sequence block of its own
 * (two such devices of one organisation may draw the same label code): the i18n key of
 * what to do, which depends on whether it is enrolled; `null` when there is nothing to say. */
export function blockNotice(
  status: Pick<AppStatus, "identity" | "label_block" | "registry">,
): "app.block.none_offline" | "app.block.none_enrolled" | null {
  if (status.identity?.role !== "producer" || status.label_block?.source !== "none") return null;
  return status.registry ? "app.block.none_enrolled" : "app.block.none_offline";
}

/** A sync's progress as one short line (`push 500/1200`). */
export function progressText(p: SyncProgressView): string {
  const phase = t(`app.sync.phase.${p.phase}`);
  return p.total === null ? `${phase} ${p.done}` : `${phase} ${p.done}/${p.total}`;
}

export function syncLine(status: AppStatus, lastSyncFailed: boolean, onSync: (() => void) | null): HTMLElement {
  const state = connectivity(status, navigator.onLine, lastSyncFailed);
  return h(
    "div",
    { class: `sync ${state}`, "data-testid": "sync" },
    h("span", { class: "dot" }),
    t(`app.sync.${state}`),
    " · ",
    h("span", { "data-testid": "pending" }, t("app.sync.pending", { n: status.outbox_pending })),
    h("span", { "data-testid": "sync-progress", class: "progress" }),
    onSync && status.registry
      ? h("button", { "data-testid": "sync-now", onclick: onSync }, t("app.sync.now"))
      : null,
  );
}
