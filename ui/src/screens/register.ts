import { api, drafts } from "../api";
import { h, mount } from "../dom";
import { Draft } from "../drafts";
import { t } from "../i18n";
import { showDone, showError } from "../main";
import { containerVolume, newContainerProblems } from "../validate";

const FIELDS = [
  "waste_code",
  "amount",
  "unit",
  "form",
  "name",
  "hazards",
  "main_components",
  "harmful_components",
  "precautions",
  "contact",
  "phone",
  "container_type",
  "container_volume",
  "facility_code",
  "remarks",
  "classification_reason",
  "test_report",
] as const;
type Form = Record<(typeof FIELDS)[number], string>;

function empty(): Form {
  const form = Object.fromEntries(FIELDS.map((f) => [f, ""])) as Form;
  form.unit = "kg";
  form.form = "solid";
  return form;
}

/** Register and label a container: the catalogue searched by code or Chinese words, every
 * field kept as a draft as it is typed, then the label to preview and print. */
export function registerScreen(notice: string | null = null): HTMLElement {
  const draft = new Draft<Form>(drafts, "register", empty());
  const inputs = {} as Record<keyof Form, HTMLInputElement | HTMLSelectElement>;
  const problems = h("div", { class: "note bad", "data-testid": "register-problems" });
  const preview = h("div", { class: "label-preview", "data-testid": "label-preview" });
  const hits = h("ul", { class: "hits", "data-testid": "catalogue-hits" });
  const search = h("input", { "data-testid": "catalogue-search", placeholder: t("app.register.search") });
  search.addEventListener("input", async () => {
    const found = search.value.trim() ? await api.searchCatalogue(search.value) : [];
    mount(
      hits,
      found.slice(0, 8).map((hit) =>
        h(
          "li",
          {
            "data-testid": "catalogue-hit",
            onclick: () => {
              for (const [field, value] of [
                ["waste_code", hit.code],
                ["hazards", ""],
              ] as const) {
                inputs[field].value = value;
                void draft.set(field, value);
              }
              inputs.hazards.setAttribute("placeholder", `${t("app.register.from_catalogue")} ${hit.hazards}`);
              mount(hits);
            },
          },
          h("b", {}, hit.code),
          ` ${hit.category} · ${hit.description} · ${hit.hazards}`,
        ),
      ),
    );
  });
  const field = (name: keyof Form, control: HTMLInputElement | HTMLSelectElement) => {
    inputs[name] = control;
    control.setAttribute("data-testid", `field-${name}`);
    control.addEventListener("input", () => void draft.set(name, control.value));
    control.addEventListener("change", () => void draft.set(name, control.value));
    return h("label", {}, h("span", {}, t(`app.field.${name}`)), control);
  };
  const select = (options: string[]) =>
    h("select", {}, options.map((o) => h("option", { value: o }, t(`app.option.${o}`))));
  const form = h(
    "div",
    { class: "form" },
    h("label", {}, h("span", {}, t("app.register.search")), search),
    hits,
    field("waste_code", h("input", { placeholder: "900-041-49" })),
    field("amount", h("input", { inputmode: "decimal" })),
    field("unit", select(["kg", "t", "L"])),
    field("form", select(["solid", "semi_solid", "liquid", "gas"])),
    field("name", h("input", { placeholder: t("app.register.from_catalogue") })),
    field("hazards", h("input", { placeholder: t("app.register.from_catalogue") })),
    field("main_components", h("input")),
    field("harmful_components", h("input")),
    field("precautions", h("input")),
    field("contact", h("input")),
    field("phone", h("input", { inputmode: "tel" })),
    field("container_type", h("input")),
    field("container_volume", h("input", { inputmode: "decimal", placeholder: t("app.register.volume_hint") })),
    field("facility_code", h("input")),
    field("remarks", h("input")),
    field("classification_reason", h("input", { placeholder: t("app.register.reason_hint") })),
    field("test_report", h("input")),
  );
  void draft.restore().then((values) => {
    for (const name of FIELDS) inputs[name].value = values[name];
  });
  const submit = h(
    "button",
    {
      class: "primary",
      "data-testid": "register-submit",
      onclick: async () => {
        const found = newContainerProblems(draft.values);
        if (Object.keys(found).length > 0) {
          problems.textContent = Object.entries(found)
            .map(([f, key]) => `${t(`app.field.${f}`)}：${t(key)}`)
            .join("；");
          return;
        }
        problems.textContent = "";
        try {
          // The container's volume chooses the label's size; it is not part of the record.
          const { container_volume: volume, ...values } = draft.values;
          const row = await api.register(values);
          await draft.done();
          showDone(t("app.register.done", { code: row.code }));
          const label = await api.labelSvg(row.code, volume.trim() ? containerVolume(volume) : null);
          // Above 450 L a container carries the label twice, on opposite sides: both print.
          const copies = Array.from({ length: label.copies }, () =>
            h("div", { class: "svg", "data-testid": "label-copy", html: label.svg }),
          );
          mount(
            preview,
            h("div", { class: "code", "data-testid": "registered-code" }, row.code),
            h(
              "div",
              { class: "note", "data-testid": "label-size" },
              t("app.register.label_size", { mm: label.size_mm, n: label.copies }),
            ),
            ...copies,
            h("button", { "data-testid": "print", onclick: () => window.print() }, t("app.register.print")),
          );
          for (const name of FIELDS) inputs[name].value = name === "unit" ? "kg" : name === "form" ? "solid" : "";
          draft.values = empty();
        } catch (e) {
          showError(e);
        }
      },
    },
    t("app.register.submit"),
  );
  const warning = notice ? h("div", { class: "note bad", "data-testid": "block-notice" }, t(notice)) : null;
  return h("section", { class: "register" }, warning, form, problems, submit, preview);
}
