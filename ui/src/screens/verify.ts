import { api } from "../api";
import type { AnomalyView, BundleSummary } from "../bindings";
import { h, mount } from "../dom";
import { chinaTime } from "../format";
import { t } from "../i18n";
import { showError } from "../main";

/** What needs attention, one row each: the rule, the container, since when, what. */
function anomalyList(list: AnomalyView[]): HTMLElement {
  if (list.length === 0) return h("p", { class: "note", "data-testid": "no-anomalies" }, t("app.verify.anomalies_none"));
  return h(
    "table",
    {},
    list.map((a) =>
      h(
        "tr",
        { class: "bad", "data-testid": "anomaly", "data-rule": a.rule, "data-code": a.container },
        h("td", {}, a.rule_name),
        h("td", { class: "code" }, a.container),
        h("td", {}, chinaTime(a.since), a.due ? ` · ${t("app.verify.anomaly_due", { due: chinaTime(a.due) })}` : ""),
        h("td", {}, a.detail),
      ),
    ),
  );
}

/** The verdict on an evidence bundle: what it is of, each failure, and its keys. */
function bundleVerdict(r: BundleSummary): HTMLElement[] {
  return [
    h(
      "h2",
      { class: r.ok ? "ok" : "bad", "data-testid": "bundle-verdict", "data-ok": String(r.ok) },
      r.ok ? `✓ ${t("app.verify.ok")}` : `✗ ${t("app.verify.bad")}`,
    ),
    h(
      "p",
      {},
      t(`app.verify.bundle_${r.scope}`, { subject: r.subject }),
      " · ",
      t("app.verify.bundle_exported", { by: r.exported_by, at: chinaTime(r.exported_at) }),
    ),
    h("p", {}, t("app.verify.counts", { events: r.events, containers: r.containers })),
    h(
      "ul",
      {},
      r.failures.map((f) => h("li", { class: "problem", "data-testid": "bundle-failure" }, f)),
      r.notes.map((n) => h("li", { class: "note" }, `${t("app.verify.bundle_note")}: ${n}`)),
    ),
    h("p", { class: "note" }, t("app.verify.bundle_keys")),
    h("ul", { class: "note" }, r.keys.map((k) => h("li", { class: "code" }, k))),
  ];
}

/** Verify every signature, chain and stored row on this device. */
export function verifyScreen(): HTMLElement {
  const out = h("div", { "data-testid": "verify-result" });
  const bundleOut = h("div", { "data-testid": "bundle-result" });
  const anomaliesOut = h("div", { "data-testid": "anomalies" }, t("app.loading"));
  api
    .anomalies()
    .then((list) => mount(anomaliesOut, anomalyList(list)))
    .catch((e) => {
      mount(anomaliesOut);
      showError(e);
    });
  const bundle = h("input", { type: "file", accept: "application/json,.json", "data-testid": "bundle-file" });
  bundle.addEventListener("change", async () => {
    const f = bundle.files?.[0];
    if (!f) return;
    mount(bundleOut);
    try {
      mount(bundleOut, ...bundleVerdict(await api.verifyBundle(new Uint8Array(await f.arrayBuffer()))));
    } catch (e) {
      showError(e);
    }
  });
  return h(
    "section",
    {},
    h(
      "button",
      {
        class: "primary",
        "data-testid": "verify-run",
        onclick: async () => {
          try {
            const r = await api.verify();
            mount(
              out,
              h(
                "h2",
                { class: r.ok ? "ok" : "bad" },
                r.ok ? `✓ ${t("app.verify.ok")}` : `✗ ${t("app.verify.bad")}`,
              ),
              h("p", {}, t("app.verify.counts", { events: r.events, containers: r.containers })),
              h("ul", {}, r.failures.map((f) => h("li", { class: "problem" }, f))),
            );
          } catch (e) {
            showError(e);
          }
        },
      },
      t("app.verify.run"),
    ),
    out,
    h("h3", {}, t("app.verify.anomalies")),
    anomaliesOut,
    h("h3", {}, t("app.verify.bundle")),
    bundle,
    bundleOut,
  );
}
