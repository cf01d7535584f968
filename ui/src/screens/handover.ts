import { api, drafts } from "../api";
import type { OfferLabelView, QrShown } from "../bindings";
import { h, mount } from "../dom";
import { Draft } from "../drafts";
import { labelTexts, one, pngUrl, scanFiles } from "../files";
import { t } from "../i18n";
import { showDone, showError } from "../main";
import { selection } from "../selection";

/** The fields each handover step asks its giver for. */
export const HANDOVER_FIELDS: Record<string, string[]> = {
  pickup: ["manifest", "vehicle_plate", "driver", "permit"],
  relay: ["manifest", "vehicle_plate", "driver", "permit", "place"],
  receive: ["manifest"],
  return: ["reason"],
};

/** The handovers a role gives, the usual one first. */
export function handoversFor(role: string): string[] {
  switch (role) {
    case "producer":
      return ["pickup"];
    case "carrier":
      return ["receive", "relay", "return"];
    case "receiver":
      return ["pickup"];
    default:
      return [];
  }
}

function qr(shown: QrShown, testid: string): HTMLElement {
  return h(
    "div",
    { class: "qr", "data-testid": testid },
    h("img", { src: pngUrl(shown.png_base64), alt: "QR" }),
    h("div", { class: "note", "data-testid": `${testid}-path` }, shown.path),
  );
}

function filePicker(testid: string, multiple = false): HTMLInputElement {
  return h("input", {
    type: "file",
    accept: "image/png,image/jpeg",
    multiple,
    "data-testid": testid,
  }) as HTMLInputElement;
}

/** This device's identity QR code, for whoever hands containers to it. */
function identityPanel(): HTMLElement {
  const out = h("div");
  return h(
    "div",
    { class: "panel" },
    h("h3", {}, t("app.handover.identity")),
    h("p", { class: "note" }, t("app.handover.identity_note")),
    h(
      "button",
      {
        "data-testid": "show-identity",
        onclick: async () => {
          try {
            mount(out, qr(await api.myIdentity(), "identity-qr"));
          } catch (e) {
            showError(e);
          }
        },
      },
      t("app.handover.show_identity"),
    ),
    out,
  );
}

/** Giving: the selected containers, the taker's identity read from its QR code, the step;
 * then the offer QR code to show, and the taker's acknowledgement read back. */
function givePanel(role: string): HTMLElement | null {
  const steps = handoversFor(role);
  if (steps.length === 0) return null;
  const empty = () => ({ step: steps[0], manifest: "", vehicle_plate: "", driver: "", permit: "", place: "", reason: "" });
  const draft = new Draft<Record<string, string>>(drafts, "give", empty());
  let taker: string | null = null;
  const codes = h("div", { class: "note", "data-testid": "give-codes" });
  const showCodes = () =>
    (codes.textContent =
      selection.size === 0 ? t("app.handover.select_first") : t("app.handover.selected", { n: selection.size }));
  showCodes();
  const takerNote = h("div", { class: "note", "data-testid": "taker" }, t("app.handover.taker_none"));
  const takerFile = filePicker("taker-image");
  takerFile.addEventListener("change", async () => {
    try {
      taker = one(await scanFiles(takerFile), "identity");
      takerNote.textContent = taker ? `✓ ${t("app.handover.taker_read")}` : `✗ ${t("app.handover.no_identity")}`;
      takerNote.className = taker ? "note ok" : "note bad";
    } catch (e) {
      showError(e);
    }
  });
  const kind = h("select", { "data-testid": "give-step" }, steps.map((s) => h("option", { value: s }, t(`app.handover.step.${s}`))));
  const fields = h("div", { class: "fields" });
  const show = () =>
    mount(
      fields,
      (HANDOVER_FIELDS[kind.value] ?? []).map((name) => {
        const el = h("input", { "data-testid": `give-${name}` });
        el.value = draft.values[name] ?? "";
        el.addEventListener("input", () => void draft.set(name, el.value));
        return h("label", { class: "field" }, t(`app.handover.field.${name}`), el);
      }),
    );
  kind.addEventListener("change", () => {
    void draft.set("step", kind.value);
    show();
  });
  void draft.restore().then((v) => {
    if (steps.includes(v.step)) kind.value = v.step;
    show();
  });
  const offerOut = h("div");
  const ackFile = filePicker("ack-image");
  ackFile.addEventListener("change", async () => {
    try {
      const ack = one(await scanFiles(ackFile), "ack");
      if (!ack) {
        showError({ kind: "bad_input", message: t("app.handover.no_ack") });
        return;
      }
      const id = await api.confirm(ack);
      showDone(t("app.handover.confirmed", { id }));
      mount(offerOut, h("p", { class: "note ok", "data-testid": "give-done" }, `✓ ${t("app.handover.confirmed", { id })}`));
    } catch (e) {
      showError(e);
    }
  });
  const submit = h(
    "button",
    {
      class: "primary",
      "data-testid": "give-submit",
      onclick: async () => {
        if (selection.size === 0) {
          showError({ kind: "bad_input", message: t("app.handover.select_first") });
          return;
        }
        if (!taker) {
          showError({ kind: "bad_input", message: t("app.handover.taker_none") });
          return;
        }
        try {
          const v = draft.values;
          const asks = new Set(HANDOVER_FIELDS[kind.value] ?? []);
          const get = (name: string) => (asks.has(name) ? (v[name] ?? "") : "");
          const offer = await api.give({
            codes: [...selection],
            taker,
            handover: {
              step: kind.value,
              manifest: get("manifest"),
              vehicle_plate: get("vehicle_plate"),
              driver: get("driver"),
              permit: get("permit"),
              place: get("place"),
              reason: get("reason"),
            },
          });
          await draft.done();
          mount(
            offerOut,
            h("p", {}, t("app.handover.offer_show")),
            qr(offer, "offer-qr"),
            h("label", { class: "file" }, t("app.handover.read_ack"), ackFile),
          );
        } catch (e) {
          showError(e);
        }
      },
    },
    t("app.handover.give"),
  );
  return h(
    "div",
    { class: "panel" },
    h("h3", {}, t("app.handover.give_title")),
    codes,
    h("label", { class: "file" }, t("app.handover.read_taker"), takerFile),
    takerNote,
    kind,
    fields,
    submit,
    offerOut,
  );
}

function labelChecks(checks: OfferLabelView[]): HTMLElement {
  return h(
    "ul",
    { class: "checks" },
    checks.map((c) => {
      const bad = !c.on_offer || c.already_held;
      const why = !c.on_offer ? t("app.handover.not_on_offer") : c.already_held ? t("app.handover.already_held") : t("app.handover.on_offer");
      return h(
        "li",
        { class: bad ? "alarm" : "ok", "data-testid": bad ? "label-alarm" : "label-ok", "data-code": c.code },
        `${bad ? "✗" : "✓"} ${c.code} · ${why}`,
      );
    }),
  );
}

/** Taking: the offer read from the giver's QR code and every label read, each checked (a
 * loud warning for one not on the offer or already picked up); then countersign and show the
 * acknowledgement. */
function takePanel(role: string): HTMLElement | null {
  if (role === "producer" || role === "regulator") return null;
  let offer: string | null = null;
  let labels: string[] = [];
  // The last check of each label, in the order of `labels`.
  let checked: OfferLabelView[] = [];
  const offerNote = h("div", { class: "note", "data-testid": "offer-read" }, t("app.handover.offer_none"));
  const checks = h("div", { "data-testid": "label-checks" });
  const out = h("div");
  const recheck = async () => {
    if (!offer || labels.length === 0) {
      checked = [];
      mount(checks);
      return;
    }
    checked = await api.checkOfferLabels(offer, labels);
    mount(checks, labelChecks(checked));
  };
  const offerFile = filePicker("offer-image");
  offerFile.addEventListener("change", async () => {
    try {
      offer = one(await scanFiles(offerFile), "offer");
      offerNote.textContent = offer ? `✓ ${t("app.handover.offer_read")}` : `✗ ${t("app.handover.no_offer")}`;
      offerNote.className = offer ? "note ok" : "note bad";
      await recheck();
    } catch (e) {
      showError(e);
    }
  });
  const labelFiles = filePicker("label-images", true);
  labelFiles.addEventListener("change", async () => {
    try {
      labels = [...new Set([...labels, ...labelTexts(await scanFiles(labelFiles))])];
      await recheck();
    } catch (e) {
      showError(e);
    }
  });
  const submit = h(
    "button",
    {
      class: "primary",
      "data-testid": "take-submit",
      onclick: async () => {
        if (!offer) {
          showError({ kind: "bad_input", message: t("app.handover.offer_none") });
          return;
        }
        try {
          // Only the labels on the offer go in: one flagged is left off the truck.
          const listed = labels.filter((_, i) => checked[i]?.on_offer ?? true);
          const taken = await api.take(offer, listed);
          showDone(t("app.handover.taken", { id: taken.event_id }));
          mount(
            out,
            h("p", {}, t("app.handover.ack_show")),
            qr(taken.ack, "ack-qr"),
            taken.not_checkable.length ? h("p", { class: "note" }, t("app.handover.not_checkable", { n: taken.not_checkable.length })) : null,
          );
          offer = null;
          labels = [];
          checked = [];
        } catch (e) {
          showError(e);
        }
      },
    },
    t("app.handover.take"),
  );
  return h(
    "div",
    { class: "panel" },
    h("h3", {}, t("app.handover.take_title")),
    h("label", { class: "file" }, t("app.handover.read_offer"), offerFile),
    offerNote,
    h("label", { class: "file" }, t("app.handover.read_labels"), labelFiles),
    checks,
    submit,
    out,
  );
}

/** Handing custody over without a network, through QR codes shown and read. */
export function handoverScreen(role: string): HTMLElement {
  return h("section", { class: "handover" }, takePanel(role), givePanel(role), identityPanel());
}
