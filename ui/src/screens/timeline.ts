import { api, isAppError } from "../api";
import type { TimelineView } from "../bindings";
import { h, mount } from "../dom";
import { chinaTime } from "../format";
import { t } from "../i18n";

import { showError } from "../main";
import { scanner } from "../scanner";
import { routeCard } from "../route";

const out = h("div", { class: "timeline", "data-testid": "timeline" });
const codeInput = h("input", { "data-testid": "open-code" });

async function show(code: string): Promise<void> {
  codeInput.value = code.trim();
  mount(out, t("app.loading"));
  try {
    render(await api.timeline(code.trim()));
    const routes = await api.routes(code.trim());
    if (routes.length > 0) {
      out.append(
        h("section", { class: "routes", "data-testid": "routes" }, h("h3", {}, t("app.route.title")), routes.map(routeCard)),
      );
    }
  } catch (e) {
    if (isAppError(e) && e.kind === "unknown_container") {
      mount(out, h("p", { class: "note bad", "data-testid": "unknown" }, e.message));
    } else {
      showError(e);
      mount(out);
    }
  }
}

function render(tl: TimelineView): void {
  mount(
    out,
    h(
      "h2",
      { class: tl.ok ? "ok" : "bad", "data-testid": "timeline-verdict" },
      tl.ok ? `✓ ${t("app.timeline.ok")}` : `✗ ${t("app.timeline.bad")}`,
    ),
    h("div", { class: "code" }, tl.code),
    tl.without_history ? h("p", { class: "note" }, t("app.timeline.without_history")) : null,
    h(
      "ol",
      {},
      tl.steps.map((s) =>
        h(
          "li",
          { class: s.verified ? "step ok" : "step bad", "data-testid": "step" },
          h("span", { class: "mark" }, s.verified ? "✓" : "✗"),
          h("b", {}, s.step_name),
          ` ${chinaTime(s.at)} · ${s.org} · ${s.role_name} · ${t("app.timeline.signed_by")} ${s.signers.join(" + ")}`,
          s.operator ? h("span", { class: "operator", "data-testid": "step-operator" }, ` · ${t("app.timeline.operator")}${s.operator}`) : null,
          h("div", { class: "details" }, s.details.map((d) => `${d.name}=${d.value}`).join("  ")),
          s.problems.map((p) => h("div", { class: "problem" }, p)),
          s.entered_late ? h("div", { class: "problem", "data-testid": "entered-late" }, t("cli.msg.entered_over_10_working_days_late")) : null,
          s.arrived_late ? h("div", { class: "problem", "data-testid": "arrived-late" }, t("cli.msg.arrived_over_7_days_late")) : null,
        ),
      ),
    ),
  );
}

/** Open any label by its code or a photo of it: the whole timeline, each step verified. */
export function openLabelScreen(): HTMLElement {
  const code = codeInput;
  code.value = "";
  code.placeholder = t("app.open.code");
  mount(out);
  const file = h("input", { type: "file", accept: "image/png,image/jpeg", "data-testid": "open-image" });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      const found = await api.scanImage(new Uint8Array(await f.arrayBuffer()));
      const label = found.find((c) => c.kind === "label");
      if (!label?.code) {
        mount(out, h("p", { class: "note bad", "data-testid": "no-label" }, t("app.open.no_label")));
        return;
      }
      if (label.check === "forged") {
        mount(out, h("p", { class: "alarm", "data-testid": "forged" }, t("app.open.forged", { code: label.code })));
        return;
      }
      await show(label.code);
    } catch (e) {
      showError(e);
    }
  });
  // A label read by the camera or a scan gun opens its timeline (a forged one says so).
  const scan = scanner({
    name: "open",
    oneShot: true,
    onLabel: async (j) => {
      if (!j.code) return false;
      if (j.verdict === "forged") {
        mount(out, h("p", { class: "alarm", "data-testid": "forged" }, t("app.open.forged", { code: j.code })));
        return true;
      }
      await show(j.code);
      return true;
    },
  });
  return h(
    "section",
    {},
    h(
      "div",
      { class: "row" },
      code,
      h("button", { class: "primary", "data-testid": "open-submit", onclick: () => show(code.value) }, t("app.open.show")),
    ),
    h("label", { class: "file" }, t("app.open.image"), file),
    scan.el,
    out,
  );
}
openLabelScreen.show = show;
