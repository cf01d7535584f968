import { api } from "../api";
import { parseCsv } from "../csv";
import { h, mount } from "../dom";
import { t } from "../i18n";
import { showDone, showError } from "../main";

/** The HJ 1259 ledger (管理台账) as the device keeps it, and its export as a CSV file. */
export function ledgerScreen(): HTMLElement {
  const table = h("div", { class: "ledger", "data-testid": "ledger" }, t("app.loading"));
  void api
    .ledgerCsv()
    .then((text) => {
      const [header, ...rows] = parseCsv(text);
      mount(
        table,
        h(
          "table",
          {},
          h("tr", {}, (header ?? []).map((c) => h("th", {}, c))),
          rows.map((r) => h("tr", { "data-testid": "ledger-row" }, r.map((c) => h("td", {}, c)))),
        ),
      );
    })
    .catch(showError);
  return h(
    "section",
    {},
    h(
      "button",
      {
        class: "primary",
        "data-testid": "ledger-export",
        onclick: async () => {
          try {
            showDone(t("app.ledger.exported", { path: await api.exportLedger() }));
          } catch (e) {
            showError(e);
          }
        },
      },
      t("app.ledger.export"),
    ),
    table,
  );
}
