import { api, drafts } from "../api";
import type { ContainerRow } from "../bindings";
import { h, mount } from "../dom";
import { Draft } from "../drafts";
import { t } from "../i18n";
import { showDone, showError } from "../main";
import { selection } from "../selection";
import { edited, emptyStepValues, scaleReading, STEP_FIELDS, stepRequest, stepsFor, toWeigh } from "../steps";

/** The fields of a step, kept as a draft so a killed app reopens them as they were. */
function stepPanel(role: string, reload: () => Promise<void>): HTMLElement | null {
  const steps = stepsFor(role);
  if (steps.length === 0) return null;
  const draft = new Draft<Record<string, string>>(drafts, "step", { step: steps[0], ...emptyStepValues() });
  const fields = h("div", { class: "fields" });
  const kind = h(
    "select",
    { "data-testid": "step-kind" },
    steps.map((s) => h("option", { value: s }, t(`app.step.${s}`))),
  );
  const input = (name: string): HTMLElement => {
    const el =
      name === "unit"
        ? h("select", {}, ["kg", "t", "L"].map((u) => h("option", { value: u }, u)))
        : name === "weighed_with"
          ? h("select", {}, ["scale", "manual"].map((m) => h("option", { value: m }, t(`app.weighed_with.${m}`))))
        : name === "mode"
          ? h("select", {}, ["disposal", "use"].map((m) => h("option", { value: m }, t(`app.mode.${m}`))))
          : h("input", {});
    el.dataset.testid = `step-${name}`;
    (el as HTMLInputElement).value = draft.values[name] ?? "";
    const keep = () => {
      const value = (el as HTMLInputElement).value;
      draft.values = edited(draft.values, name, value);
      void draft.set(name, value);
    };
    el.addEventListener("input", keep);
    el.addEventListener("change", keep);
    return h("label", { class: "field" }, t(`app.stepfield.${name}`), el);
  };
  // A weight read from an electronic scale on a serial port (desktop): it fills the weight
  // and unit, and the weighing records the scale's identity.
  let lastLive = "";
  const scaleRow = (): HTMLElement => {
    const port = h("input", { "data-testid": "scale-port", placeholder: "/dev/ttyUSB0 · COM3" }) as HTMLInputElement;
    port.value = draft.values.scale_port ?? "";
    port.addEventListener("change", () => void draft.set("scale_port", port.value));
    const protocol = h(
      "select",
      { "data-testid": "scale-protocol" },
      ["generic", "mettler", "toledo"].map((p) => h("option", { value: p }, p)),
    ) as HTMLSelectElement;
    protocol.value = draft.values.scale_protocol || "generic";
    protocol.addEventListener("change", () => void draft.set("scale_protocol", protocol.value));
    const read = h("button", { "data-testid": "scale-read" }, t("app.scale.read")) as HTMLButtonElement;
    // The weight as the scale shows it while it settles.
    const liveEl = h("span", { class: "scale-live", "data-testid": "scale-live" }, lastLive);
    read.onclick = async () => {
      read.disabled = true;
      read.textContent = t("app.scale.reading");
      try {
        const r = await api.readScale({ port: port.value, protocol: protocol.value, baud: null, name: "", timeout_secs: null }, (l) => {
          lastLive = `${l.text} · ${t(l.stable ? "app.scale.stable" : "app.scale.unstable")}`;
          liveEl.textContent = lastLive;
          liveEl.className = l.stable ? "scale-live ok" : "scale-live";
        });
        draft.values = scaleReading(draft.values, r);
        await draft.set("scale", r.scale);
        show();
      } catch (e) {
        showError(e);
      } finally {
        read.disabled = false;
        read.textContent = t("app.scale.read");
      }
    };
    const from = draft.values.scale
      ? h("div", { class: "note", "data-testid": "scale-identity" }, `${t("app.scale.from")}${draft.values.scale}`)
      : null;
    return h(
      "div",
      { class: "scale" },
      h("label", { class: "field" }, t("app.scale.port"), port),
      h("label", { class: "field" }, t("app.scale.protocol"), protocol),
      read,
      liveEl,
      from,
    );
  };
  const show = () =>
    mount(fields, [...(STEP_FIELDS[kind.value] ?? []).map(input), kind.value === "weigh" ? scaleRow() : null]);
  kind.addEventListener("change", () => {
    void draft.set("step", kind.value);
    show();
  });
  // A dispatch refused because the sender has not weighed some containers: one button per
  // container, each switching the form to weighing it alone (a weighing is of one container).
  const weighFirst = h("div", { "data-testid": "weigh-first" });
  const offerWeighing = (codes: string[]) => {
    if (codes.length === 0 || !steps.includes("weigh")) {
      mount(weighFirst);
      return;
    }
    mount(
      weighFirst,
      h("p", { class: "note" }, t("app.step.weigh_first")),
      codes.map((code) =>
        h(
          "button",
          {
            "data-testid": "weigh-this",
            "data-code": code,
            onclick: async () => {
              selection.clear();
              selection.add(code);
              kind.value = "weigh";
              show();
              offerWeighing(codes.filter((c) => c !== code));
              await draft.set("step", "weigh");
              await reload();
            },
          },
          t("app.step.weigh_this", { code }),
        ),
      ),
    );
  };
  void draft.restore().then((values) => {
    if (steps.includes(values.step)) kind.value = values.step;
    show();
  });
  const submit = h(
    "button",
    {
      class: "primary",
      "data-testid": "step-submit",
      onclick: async () => {
        if (selection.size === 0) {
          showError({ kind: "bad_input", message: t("app.select.none") });
          return;
        }
        try {
          const n = await api.step(stepRequest(kind.value, [...selection], draft.values));
          showDone(t("app.step.done", { step: t(`app.step.${kind.value}`), n }));
          if (kind.value === "dispatch") offerWeighing([]);
          selection.clear();
          await draft.done();
          draft.values = { step: kind.value, ...emptyStepValues() };
          show();
          await reload();
        } catch (e) {
          showError(e);
          offerWeighing(toWeigh(e));
        }
      },
    },
    t("app.step.record"),
  );
  return h("div", { class: "panel" }, h("h3", {}, t("app.step.title")), kind, fields, submit, weighFirst);
}

/** Labels of the selected containers saved to print (PDF, an A4 sheet for several) or as
 * images, or printed through the system's print dialog. */
function labelPanel(): HTMLElement {
  const save = (format: "pdf" | "png") => async () => {
    if (selection.size === 0) {
      showError({ kind: "bad_input", message: t("app.select.none") });
      return;
    }
    try {
      const paths = await api.saveLabels([...selection], format);
      showDone(t("app.labels.saved", { paths: paths.join("  ") }));
    } catch (e) {
      showError(e);
    }
  };
  return h(
    "div",
    { class: "row" },
    h("button", { "data-testid": "labels-pdf", onclick: save("pdf") }, t("app.labels.pdf")),
    h("button", { "data-testid": "labels-png", onclick: save("png") }, t("app.labels.png")),
  );
}

/** Every container this device knows; select several to act on them at once. */
export function containersScreen(role: string, open: (code: string) => void): HTMLElement {
  const list = h("div", { "data-testid": "container-list" }, t("app.loading"));
  const load = async () => {
    let rows: ContainerRow[];
    try {
      rows = await api.containers();
    } catch (e) {
      showError(e);
      return;
    }
    for (const code of [...selection]) if (!rows.some((r) => r.code === code)) selection.delete(code);
    if (rows.length === 0) {
      mount(list, h("p", { class: "note" }, t("app.containers.none")));
      return;
    }
    mount(
      list,
      h(
        "table",
        {},
        h(
          "tr",
          {},
          h("th", {}, ""),
          h("th", {}, t("app.containers.code")),
          h("th", {}, t("app.containers.waste")),
          h("th", {}, t("app.containers.quantity")),
          h("th", {}, t("app.containers.state")),
        ),
        rows.map((r) =>
          h(
            "tr",
            { "data-testid": "container-row", "data-code": r.code, "data-state": r.state },
            h(
              "td",
              {},
              h("input", {
                type: "checkbox",
                class: "big",
                "data-testid": "select",
                checked: selection.has(r.code),
                onchange: (e: Event) =>
                  (e.target as HTMLInputElement).checked ? selection.add(r.code) : selection.delete(r.code),
              }),
            ),
            h("td", {}, h("a", { href: "#", class: "code", onclick: () => open(r.code) }, r.code)),
            h("td", {}, `${r.waste_code} ${r.name}`),
            h("td", {}, r.quantity),
            h("td", { "data-testid": "state" }, r.state_name),
          ),
        ),
      ),
    );
  };
  void load();
  return h(
    "section",
    {},
    stepPanel(role, load),
    role === "producer" ? labelPanel() : null,
    list,
  );
}
