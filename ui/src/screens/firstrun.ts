import { api } from "../api";
import type { AppStatus } from "../bindings";
import { h } from "../dom";
import { t } from "../i18n";
import { refresh, showError } from "../main";
import { creditCodeValid } from "../validate";
import { enrolQr } from "./registry";

const ROLES = ["producer", "carrier", "receiver", "regulator"];

/** First run: language, role, organisation (credit code checked as typed), then start
 * offline or look around in the demo's data. */
export function firstRun(status: AppStatus): HTMLElement {
  let role = "producer";
  const roleButtons = ROLES.map((r) =>
    h(
      "button",
      {
        class: r === role ? "choice active" : "choice",
        "data-testid": `role-${r}`,
        onclick: (e: Event) => {
          role = r;
          for (const b of roleButtons) b.classList.remove("active");
          (e.currentTarget as HTMLElement).classList.add("active");
        },
      },
      t(`common.role.${r}`),
    ),
  );
  const org = h("input", { "data-testid": "org-name", placeholder: t("app.first.org_name") });
  const credit = h("input", {
    "data-testid": "credit-code",
    placeholder: t("app.first.credit_code"),
    maxlength: 18,
    autocapitalize: "characters",
  });
  const creditNote = h("div", { class: "note", "data-testid": "credit-check" });
  credit.addEventListener("input", async () => {
    credit.value = credit.value.toUpperCase();
    if (credit.value.length < 18) {
      creditNote.textContent = t("app.first.credit_typing", { n: credit.value.length });
      creditNote.className = "note";
      return;
    }
    const check = await api.checkCreditCode(credit.value);
    creditNote.textContent = check.valid ? `✓ ${t("app.first.credit_ok")}` : `✗ ${check.message ?? ""}`;
    creditNote.className = check.valid ? "note ok" : "note bad";
  });
  const registryUrl = h("input", {
    "data-testid": "first-registry-url",
    placeholder: "https://…",
    inputmode: "url",
  }) as HTMLInputElement;
  const enrolCode = h("input", { "data-testid": "first-enrol-code", placeholder: t("app.registry.code") }) as HTMLInputElement;
  const enrolCa = h("input", { "data-testid": "first-enrol-ca", type: "file", accept: ".pem,.crt,.cer" }) as HTMLInputElement;
  const start = async (enrol: boolean) => {
    if (!creditCodeValid(credit.value)) {
      creditNote.textContent = `✗ ${t("app.first.credit_bad")}`;
      creditNote.className = "note bad";
      return;
    }
    try {
      const made = await api.init({ role, org_name: org.value, credit_code: credit.value });
      // The identity is kept even when enrolment fails (no network, a wrong code): the
      // registry screen retries, and everything works offline meanwhile.
      let next = made;
      let failed: unknown = null;
      if (enrol) {
        try {
          const pem = enrolCa.files?.[0] ? await enrolCa.files[0].text() : null;
          next = await api.enrol({ url: registryUrl.value, code: enrolCode.value, ca_pem: pem });
        } catch (e) {
          failed = e;
        }
      }
      await refresh(next);
      if (failed) showError(failed);
    } catch (e) {
      showError(e);
    }
  };
  return h(
    "section",
    { class: "first-run" },
    h("h1", {}, t("app.title")),
    h(
      "div",
      { class: "row" },
      h("button", { "data-testid": "lang-zh", onclick: async () => refresh(await api.setLang("zh")) }, "简体中文"),
      h("button", { "data-testid": "lang-en", onclick: async () => refresh(await api.setLang("en")) }, "English"),
    ),
    h("h2", {}, t("app.first.role")),
    h("div", { class: "choices" }, roleButtons),
    h("h2", {}, t("app.first.org")),
    org,
    credit,
    creditNote,
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          class: "primary",
          "data-testid": "start-offline",
          onclick: () => start(false),
        },
        t("app.first.start_offline"),
      ),
      h(
        "button",
        {
          "data-testid": "start-demo",
          onclick: async () => {
            try {
              await refresh(await api.startDemo(role));
            } catch (e) {
              showError(e);
            }
          },
        },
        t("app.first.demo"),
      ),
    ),
    h("h2", {}, t("app.registry.enrol")),
    h("p", { class: "note" }, t("app.registry.enrol_note")),
    h("label", { class: "field" }, t("app.registry.url"), registryUrl),
    h("label", { class: "field" }, t("app.registry.code"), enrolCode),
    enrolQr(registryUrl, enrolCode, "first-"),
    h("label", { class: "field" }, t("app.registry.ca"), enrolCa),
    h("button", { class: "primary", "data-testid": "start-enrolled", onclick: () => start(true) }, t("app.first.start_enrolled")),
    h("p", { class: "note" }, t("app.first.enrol_later"), " ", h("code", {}, status.data_dir)),
  );
}
