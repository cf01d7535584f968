// A transport's route drawn from its fixes: no map tiles (the app works offline), the track as
// a line in a box scaled to it, the start and end marked, the verdict beside it.
import type { FixView, RouteView } from "./bindings";
import { h } from "./dom";
import { chinaTime } from "./format";
import { t } from "./i18n";

const SVG = "http://www.w3.org/2000/svg";
const at = (ms: number) => chinaTime(new Date(ms).toISOString());

/** Fixes projected into a `width`×`height` box with `pad` around: longitude scaled by the
 * cosine of the mean latitude (so a kilometre east is as long as one north), north up, the
 * track centred and as large as the box allows. */
export function project(fixes: Pick<FixView, "lat_e7" | "lon_e7">[], width: number, height: number, pad = 12): [number, number][] {
  if (fixes.length === 0) return [];
  const lat = fixes.map((f) => f.lat_e7 / 1e7);
  const meanLat = lat.reduce((a, b) => a + b, 0) / lat.length;
  const k = Math.cos((meanLat * Math.PI) / 180);
  const x = fixes.map((f) => (f.lon_e7 / 1e7) * k);
  const y = lat.map((v) => -v);
  const [x0, x1, y0, y1] = [Math.min(...x), Math.max(...x), Math.min(...y), Math.max(...y)];
  const span = Math.max(x1 - x0, y1 - y0);
  const scale = span > 0 ? Math.min((width - 2 * pad) / (x1 - x0 || span), (height - 2 * pad) / (y1 - y0 || span)) : 0;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return x.map((xi, i) => [width / 2 + (xi - cx) * scale, height / 2 + (y[i] - cy) * scale]);
}

/** Straight-line length of a track in kilometres (haversine between successive fixes). */
export function lengthKm(fixes: Pick<FixView, "lat_e7" | "lon_e7">[]): number {
  const r = 6371;
  let km = 0;
  for (let i = 1; i < fixes.length; i++) {
    const [a, b] = [fixes[i - 1], fixes[i]];
    const [p1, p2] = [(a.lat_e7 / 1e7) * (Math.PI / 180), (b.lat_e7 / 1e7) * (Math.PI / 180)];
    const dp = p2 - p1;
    const dl = ((b.lon_e7 - a.lon_e7) / 1e7) * (Math.PI / 180);
    const s = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
    km += 2 * r * Math.asin(Math.min(1, Math.sqrt(s)));
  }
  return km;
}

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** One transport: who carried it under which manifest, when, its verdict and its map. */
export function routeCard(route: RouteView): HTMLElement {
  const [w, hgt] = [360, 220];
  const map = svg("svg", { viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, class: "route-map", "data-testid": "route-map" });
  map.append(svg("rect", { x: 0, y: 0, width: w, height: hgt, class: "route-ground" }));
  const points = project(route.fixes, w, hgt);
  if (points.length > 0) {
    map.append(
      svg("polyline", {
        points: points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" "),
        class: "route-line",
        "data-testid": "route-line",
        "data-points": points.length,
      }),
    );
    const [sx, sy] = points[0];
    const [ex, ey] = points[points.length - 1];
    map.append(svg("circle", { cx: sx, cy: sy, r: 6, class: "route-start", "data-testid": "route-start" }));
    map.append(svg("circle", { cx: ex, cy: ey, r: 6, class: "route-end", "data-testid": "route-end" }));
  }
  const good = route.verdict === "verified";
  const bad = route.verdict === "mismatch" || route.verdict === "no_track";
  const first = route.fixes[0];
  const last = route.fixes[route.fixes.length - 1];
  return h(
    "div",
    { class: "route", "data-testid": "route", "data-verdict": route.verdict },
    h(
      "div",
      { class: good ? "ok" : bad ? "bad" : "note", "data-testid": "route-verdict" },
      `${good ? "✓" : bad ? "✗" : "·"} ${t(`app.route.verdict.${route.verdict}`)}`,
    ),
    h(
      "div",
      { class: "details" },
      t("app.route.summary", {
        carrier: route.carrier,
        manifest: route.manifest,
        from: at(route.started_at),
        to: route.ended_at === null ? "…" : at(route.ended_at),
      }),
    ),
    map,
    route.fixes.length > 0
      ? h(
          "div",
          { class: "details", "data-testid": "route-fixes" },
          t("app.route.fixes", { n: route.fixes.length, km: lengthKm(route.fixes).toFixed(1), first: at(first.at), last: at(last.at) }),
        )
      : null,
  );
}
