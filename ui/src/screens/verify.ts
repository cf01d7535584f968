import { api } from "../api";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { showError } from "../main";

/** Verify every signature, chain and stored row on this device. */
export function verifyScreen(): HTMLElement {
  const out = h("div", { "data-testid": "verify-result" });
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
  );
}
