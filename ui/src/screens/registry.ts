import { api } from "../api";
import type { AppStatus } from "../bindings";
import { h } from "../dom";
import { t } from "../i18n";
import { refresh, showError } from "../main";

/** A file input for a picture of the enrolment QR code: what it reads fills `url` and
 * `code` (the test ids are `<prefix>enrol-qr` and `<prefix>enrol-qr-read`). */
export function enrolQr(url: HTMLInputElement, code: HTMLInputElement, prefix = ""): HTMLElement {
  const picture = h("input", { "data-testid": `${prefix}enrol-qr`, type: "file", accept: "image/*" }) as HTMLInputElement;
  const read = h("div", { class: "note ok", "data-testid": `${prefix}enrol-qr-read` });
  picture.addEventListener("change", async () => {
    read.textContent = "";
    const file = picture.files?.[0];
    if (!file) return;
    try {
      const seen = await api.readEnrolmentQr(new Uint8Array(await file.arrayBuffer()));
      url.value = seen.url;
      code.value = seen.code;
      read.textContent = t("app.registry.qr_read");
    } catch (e) {
      showError(e);
    }
  });
  return h("label", { class: "field" }, t("app.registry.qr"), picture, read);
}

/** Enrolment with a registry: its URL and the single-use code its operator gave. */
export function enrolForm(after: (status: AppStatus) => Promise<void>): HTMLElement {
  const url = h("input", { "data-testid": "registry-url", placeholder: "https://…", inputmode: "url" }) as HTMLInputElement;
  const code = h("input", { "data-testid": "enrol-code", placeholder: t("app.registry.code") }) as HTMLInputElement;
  const ca = h("input", { "data-testid": "enrol-ca", type: "file", accept: ".pem,.crt,.cer" }) as HTMLInputElement;
  return h(
    "div",
    { class: "panel" },
    h("h3", {}, t("app.registry.enrol")),
    h("p", { class: "note" }, t("app.registry.enrol_note")),
    h("label", { class: "field" }, t("app.registry.url"), url),
    h("label", { class: "field" }, t("app.registry.code"), code),
    enrolQr(url, code),
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
