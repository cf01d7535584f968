import { api } from "../api";
import type { AnomalyView, BundleSummary, RoadCheckView, RoadPassView } from "../bindings";
import { h, mount } from "../dom";
import { chinaTime } from "../format";
import { t } from "../i18n";
import { showError } from "../main";

/** A road pass as read offline, and what the registry says of it when asked. */
function roadPassView(v: RoadPassView, check: RoadCheckView | null): HTMLElement[] {
  const standing = (code: string): string => {
    if (!check) return "";
    const line = check.lines.find((l) => l.code === code);
    return line?.confirmed ? `✓ ${t("app.road.confirmed")} ${line.quantity ?? ""}` : `✗ ${t("app.road.not_confirmed")}`;
  };
  return [
    h(
      "p",
      {},
      `${t("app.manifests.number")} ${v.manifest} · ${t("app.manifests.carrier")} ${v.carrier_name ?? v.carrier} · ${t("app.road.plate")} ${v.vehicle_plate}`,
    ),
    h("p", { class: "note" }, `${t("app.road.valid_until")} ${chinaTime(new Date(v.expires_at).toISOString())}`),
    h(
      "p",
      { class: v.key === "known" ? "ok" : "note", "data-testid": "road-pass-key", "data-key": v.key },
      t(v.key === "known" ? "app.road.key_known" : "app.road.key_unknown"),
    ),
    check
      ? h(
          "p",
          { class: check.confirmed === check.total ? "ok" : "bad", "data-testid": "road-check" },
          t("app.road.registry", { confirmed: check.confirmed, total: check.total }),
        )
      : h("span", {}),
    h(
      "table",
      {},
      v.lines.map((l) =>
        h(
          "tr",
          { "data-testid": "road-pass-line", "data-code": l.code },
          h("td", {}, l.code),
          h("td", {}, `${l.waste_code} ${l.waste_name}`),
          h("td", {}, l.quantity),
          h("td", {}, standing(l.code)),
        ),
      ),
    ),
  ];
}

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
    h(
      "p",
      { class: "note", "data-testid": "bundle-keys", "data-rest-on": r.key_records },
      t(`app.verify.bundle_keys_${r.key_records}`, { key: r.attested_by ?? "" }),
    ),
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
  const passText = h("textarea", {
    "data-testid": "road-pass-input",
    rows: 3,
    placeholder: "YIMA-RP1:…",
  }) as HTMLTextAreaElement;
  const passOut = h("div", { "data-testid": "road-pass-view" });
  const readPass = async (online: boolean): Promise<void> => {
    mount(passOut);
    try {
      const text = passText.value.trim();
      const view = await api.readRoadPass(text);
      const check = online ? await api.checkRoadPass(text) : null;
      mount(passOut, ...roadPassView(view, check));
    } catch (e) {
      showError(e);
    }
  };
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
    h("h3", {}, t("app.road.check")),
    h("p", { class: "note" }, t("app.road.how")),
    passText,
    h("button", { "data-testid": "road-pass-read", onclick: () => void readPass(false) }, t("app.road.read")),
    h("button", { "data-testid": "road-pass-online", onclick: () => void readPass(true) }, t("app.road.online")),
    passOut,
  );
}
