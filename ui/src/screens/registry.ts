import { api } from "../api";
import type { AppStatus } from "../bindings";
import { h } from "../dom";
import { t } from "../i18n";
import { refresh, showError } from "../main";

/** Enrolment with a registry: its URL and the single-use code its operator gave. */
export function enrolForm(after: (status: AppStatus) => Promise<void>): HTMLElement {
  const url = h("input", { "data-testid": "registry-url", placeholder: "https://…", inputmode: "url" });
  const code = h("input", { "data-testid": "enrol-code", placeholder: t("app.registry.code") });
  const ca = h("input", { "data-testid": "enrol-ca", type: "file", accept: ".pem,.crt,.cer" }) as HTMLInputElement;
  return h(
    "div",
    { class: "panel" },
    h("h3", {}, t("app.registry.enrol")),
    h("p", { class: "note" }, t("app.registry.enrol_note")),
    h("label", { class: "field" }, t("app.registry.url"), url),
    h("label", { class: "field" }, t("app.registry.code"), code),
    h("label", { class: "field" }, t("app.registry.ca"), ca, h("small", { class: "note" }, t("app.registry.ca_note"))),
    h(
      "button",
      {
        class: "primary",
        "data-testid": "enrol-submit",
        onclick: async () => {
          try {
            const pem = ca.files?.[0] ? await ca.files[0].text() : null;
            await after(await api.enrol({ url: url.value, code: code.value, ca_pem: pem }));
          } catch (e) {
            showError(e);
          }
        },
      },
      t("app.registry.enrol_submit"),
    ),
  );
}

/** The registry this device syncs with, or the form to enrol with one. */
export function registryScreen(status: AppStatus, sync: () => void): HTMLElement {
  if (!status.registry) return h("section", {}, enrolForm((s) => refresh(s)));
  return h(
    "section",
    {},
    h("p", { "data-testid": "registry" }, t("app.registry.enrolled_with"), " ", h("code", {}, status.registry)),
    h("p", {}, t("app.sync.pending", { n: status.outbox_pending })),
    h("button", { class: "primary", "data-testid": "sync-run", onclick: sync }, t("app.sync.now")),
  );
}
