import { api } from "../api";
import type { ManifestRow } from "../bindings";
import { h, mount } from "../dom";
import { chinaTime } from "../format";
import { t } from "../i18n";
import { pngUrl } from "../files";
import { dispatchedToday, lineFlag } from "../manifests";
import { showDone, showError } from "../main";

function manifestCard(m: ManifestRow, role: string): HTMLElement {
  const today = dispatchedToday(m);
  const waitingKey = role === "carrier" ? "app.manifests.to_pick_up" : "app.manifests.to_arrive";
  const lineKey = role === "carrier" ? "app.manifests.line_pick_up" : "app.manifests.line_arrive";
  return h(
    "article",
    { class: "manifest", "data-testid": "manifest", "data-number": m.number, "data-waiting": m.waiting },
    h(
      "h3",
      {},
      `${t("app.manifests.number")} ${m.number}`,
      today ? h("span", { class: "badge", "data-testid": "today" }, t("app.manifests.today")) : null,
      m.waiting > 0
        ? h("span", { class: "badge", "data-testid": "waiting" }, t(waitingKey, { n: m.waiting }))
        : null,
    ),
    h(
      "p",
      { class: "note" },
      `${t("app.manifests.sender")} ${m.sender} → ${t("app.manifests.carrier")} ${m.carrier} → ${t("app.manifests.receiver")} ${m.receiver}`,
      m.dispatched_at ? ` · ${t("app.manifests.dispatched")} ${chinaTime(m.dispatched_at)}` : "",
    ),
    h(
      "table",
      {},
      h(
        "tr",
        {},
        ["code", "name", "declared", "measured", "difference", "state"].map((c) =>
          h("th", {}, t(`app.manifests.col.${c}`)),
        ),
      ),
      m.lines.map((l) => {
        const flag = lineFlag(l);
        return h(
          "tr",
          { class: `line ${flag}`, "data-testid": "manifest-line", "data-code": l.code, "data-flag": flag },
          h("td", { class: "code" }, l.code),
          h("td", {}, l.name),
          h("td", {}, l.declared),
          h("td", {}, l.measured ?? "—"),
          h(
            "td",
            { class: l.beyond_tolerance ? "bad" : "" },
            l.difference ?? "—",
            l.beyond_tolerance ? ` ⚠ ${t("app.manifests.beyond")}` : "",
          ),
          h("td", {}, flag === "waiting" ? `${l.state_name} · ${t(lineKey)}` : l.state_name),
        );
      }),
    ),
    h("p", { class: "note" }, t("app.manifests.totals", { declared: m.declared_kg, measured: m.measured_kg })),
    roadPassButton(m),
    h(
      "button",
      {
        "data-testid": "manifest-pdf",
        onclick: async () => {
          try {
            showDone(t("app.manifests.pdf_saved", { path: await api.exportManifestPdf(m.number) }));
          } catch (e) {
            showError(e);
          }
        },
      },
      t("app.manifests.pdf"),
    ),
  );
}

/** A carrier's road pass for what it carries under the manifest, shown as a QR code. */
function roadPassButton(m: ManifestRow): HTMLElement | null {
  if (m.part !== "carrier" || !m.lines.some((l) => l.state === "in_transit")) return null;
  const out = h("div", { "data-testid": "road-pass-out" });
  const button = h(
    "button",
    {
      "data-testid": "road-pass",
      onclick: async () => {
        try {
          const pass = await api.roadPass(m.number);
          mount(
            out,
            h("p", { class: "note" }, t("app.road.shown")),
            h("img", { class: "qr", src: pngUrl(pass.png_base64), alt: "QR" }),
            h("pre", { class: "note", "data-testid": "road-pass-text" }, pass.text),
          );
        } catch (e) {
          showError(e);
        }
      },
    },
    t("app.road.pass"),
  );
  return h("div", {}, button, out);
}

/** A driver's pickups, a receiver's arrivals against the manifest, a producer's manifests. */
export function manifestsScreen(role: string): HTMLElement {
  const list = h("div", { "data-testid": "manifests" }, t("app.loading"));
  void api
    .manifests()
    .then((all) =>
      mount(
        list,
        all.length === 0 ? h("p", { class: "note", "data-testid": "no-manifests" }, t("app.manifests.none")) : null,
        all.map((m) => manifestCard(m, role)),
      ),
    )
    .catch(showError);
  return h("section", {}, h("p", { class: "note" }, t("app.manifests.how")), list);
}
