// What the manifests screen decides: which manifests are today's, and how each container
// line is flagged (still to come, weighed beyond tolerance, or in order).
import type { ManifestLineRow, ManifestRow } from "./bindings";

/** The China date (YYYY-MM-DD) of a UTC instant: the regulations' days are China days. */
export function chinaDate(utc: string | Date): string {
  const d = typeof utc === "string" ? new Date(utc) : utc;
  return d.toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
}

/** Whether the manifest's containers still waiting for the carrier were dispatched today. */
export function dispatchedToday(m: ManifestRow, now: Date = new Date()): boolean {
  return m.dispatched_at !== null && chinaDate(m.dispatched_at) === chinaDate(now);
}

export type LineFlag = "waiting" | "beyond" | "ok";

/** A line's flag: still to come first, then a weight beyond tolerance. */
export function lineFlag(l: ManifestLineRow): LineFlag {
  if (l.waiting) return "waiting";
  if (l.beyond_tolerance) return "beyond";
  return "ok";
}

/** The tab's text key for this role: a driver's pickups, a receiver's arrivals. */
export function manifestsTab(role: string): string {
  if (role === "carrier") return "app.tab.pickups";
  if (role === "receiver") return "app.tab.arrivals";
  return "app.tab.manifests";
}
