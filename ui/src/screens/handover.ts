import { api, drafts } from "../api";
import type { OfferLabelView, QrShown, ReceivedOfferView, SentOfferView } from "../bindings";
import { h, mount } from "../dom";
import { Draft } from "../drafts";
import { labelTexts, one, pngUrl, scanFiles } from "../files";
import { t } from "../i18n";
import { showDone, showError, syncNow } from "../main";
import { scanner } from "../scanner";
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

/** The offers this device sent through the registry, each waiting or taken. */
function sentList(sent: SentOfferView[]): HTMLElement | null {
  if (sent.length === 0) return null;
  return h(
    "ul",
    { class: "checks" },
    sent.map((o) =>
      h(
        "li",
        { class: o.taken ? "ok" : "", "data-testid": "sent-offer", "data-id": o.id, "data-taken": String(o.taken) },
        `${o.taken ? "✓" : "…"} ${t("app.handover.online_to", { org: o.taker_org, n: o.codes.length })} · ${t(
          o.taken ? "app.handover.online_taken" : o.sent ? "app.handover.online_sent" : "app.handover.online_queued",
        )}`,
      ),
    ),
  );
}

/** Giving: the selected containers, the taker's identity read from its QR code, the step;
 * then the offer QR code to show, and the taker's acknowledgement read back; or, when this
 * device is enrolled, the offer sent through the registry for the taker to countersign. */
function givePanel(role: string, enrolled: boolean): HTMLElement | null {
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
  const setTaker = (text: string | null) => {
    taker = text;
    takerNote.textContent = taker ? `✓ ${t("app.handover.taker_read")}` : `✗ ${t("app.handover.no_identity")}`;
    takerNote.className = taker ? "note ok" : "note bad";
  };
  takerFile.addEventListener("change", async () => {
    try {
      setTaker(one(await scanFiles(takerFile), "identity"));
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
  const confirm = async (ack: string | null) => {
    if (!ack) {
      showError({ kind: "bad_input", message: t("app.handover.no_ack") });
      return;
    }
    const id = await api.confirm(ack);
    showDone(t("app.handover.confirmed", { id }));
    mount(offerOut, h("p", { class: "note ok", "data-testid": "give-done" }, `✓ ${t("app.handover.confirmed", { id })}`));
  };
  const ackFile = filePicker("ack-image");
  ackFile.addEventListener("change", async () => {
    try {
      await confirm(one(await scanFiles(ackFile), "ack"));
    } catch (e) {
      showError(e);
    }
  });
  // The camera reads the taker's identity first, then (after the offer is shown, opened
  // again) its acknowledgement: the two screens face each other, with no network.
  const giveScan = scanner({
    name: "give",
    oneShot: true,
    onOther: async (code) => {
      if (code.kind === "identity") {
        setTaker(code.text);
        return true;
      }
      if (code.kind === "ack") {
        try {
          await confirm(code.text);
        } catch (e) {
          showError(e);
        }
        return true;
      }
      return false;
    },
  });
  /** The form as the commands take it, or null (said why) when something is missing. */
  const form = () => {
    if (selection.size === 0) {
      showError({ kind: "bad_input", message: t("app.handover.select_first") });
      return null;
    }
    if (!taker) {
      showError({ kind: "bad_input", message: t("app.handover.taker_none") });
      return null;
    }
    const v = draft.values;
    const asks = new Set(HANDOVER_FIELDS[kind.value] ?? []);
    const get = (name: string) => (asks.has(name) ? (v[name] ?? "") : "");
    return {
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
    };
  };
  const sent = h("div", { "data-testid": "sent-offers" });
  if (enrolled) void api.sentOffers().then((list) => mount(sent, sentList(list)), showError);
  const online = enrolled
    ? h(
        "button",
        {
          "data-testid": "give-online",
          onclick: async () => {
            const req = form();
            if (!req) return;
            try {
              await api.giveOnline(req);
              await draft.done();
              mount(offerOut, h("p", { class: "note ok", "data-testid": "give-queued" }, `✓ ${t("app.handover.online_queued_note")}`));
              await syncNow();
            } catch (e) {
              showError(e);
            }
          },
        },
        t("app.handover.give_online"),
      )
    : null;
  const submit = h(
    "button",
    {
      class: "primary",
      "data-testid": "give-submit",
      onclick: async () => {
        const req = form();
        if (!req) return;
        try {
          const offer = await api.give(req);
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
    giveScan.el,
    takerNote,
    kind,
    fields,
    h("div", { class: "row" }, submit, online),
    offerOut,
    sent,
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
function takePanel(role: string, enrolled: boolean): HTMLElement | null {
  // A producer takes too: its containers returned by the carrier.
  if (role === "regulator") return null;
  // The offer read from the giver's QR code, or one that came through the registry.
  let offer: string | null = null;
  let onlineId: string | null = null;
  let labels: string[] = [];
  // The last check of each label, in the order of `labels`.
  let checked: OfferLabelView[] = [];
  const offerNote = h("div", { class: "note", "data-testid": "offer-read" }, t("app.handover.offer_none"));
  const checks = h("div", { "data-testid": "label-checks" });
  const out = h("div");
  const recheck = async () => {
    if ((!offer && !onlineId) || labels.length === 0) {
      checked = [];
      mount(checks);
      return;
    }
    checked = onlineId ? await api.checkReceivedOfferLabels(onlineId, labels) : await api.checkOfferLabels(offer!, labels);
    mount(checks, labelChecks(checked));
  };
  const waiting = h("div", { "data-testid": "online-offers" });
  const choose = async (o: ReceivedOfferView) => {
    onlineId = o.id;
    offer = null;
    offerNote.textContent = `✓ ${t("app.handover.online_chosen", { org: o.giver_org_name || o.giver_org, n: o.codes.length })}`;
    offerNote.className = "note ok";
    await recheck();
  };
  if (enrolled) {
    void api.receivedOffers().then(
      (list) =>
        mount(
          waiting,
          list.length === 0
            ? null
            : h(
                "div",
                {},
                h("p", {}, t("app.handover.online_waiting")),
                list.map((o) =>
                  h(
                    "button",
                    {
                      class: "choice",
                      "data-testid": "online-offer",
                      "data-id": o.id,
                      onclick: (e: Event) => {
                        for (const b of waiting.querySelectorAll(".choice")) b.classList.remove("active");
                        (e.currentTarget as HTMLElement).classList.add("active");
                        void choose(o).catch(showError);
                      },
                    },
                    [t(`app.handover.step.${o.kind}`), o.giver_org_name || o.giver_org, o.manifest, t("app.handover.online_count", { n: o.codes.length })]
                      .filter(Boolean)
                      .join(" · "),
                  ),
                ),
              ),
        ),
      showError,
    );
  }
  const setOffer = async (text: string | null) => {
    offer = text;
    onlineId = null;
    offerNote.textContent = offer ? `✓ ${t("app.handover.offer_read")}` : `✗ ${t("app.handover.no_offer")}`;
    offerNote.className = offer ? "note ok" : "note bad";
    await recheck();
  };
  const offerFile = filePicker("offer-image");
  offerFile.addEventListener("change", async () => {
    try {
      await setOffer(one(await scanFiles(offerFile), "offer"));
    } catch (e) {
      showError(e);
    }
  });
  // One camera for the whole taking: the giver's offer code, then every label one after
  // another, each judged against the offer as it is read.
  const takeScan = scanner({
    name: "take",
    against: () =>
      onlineId ? { kind: "online_offer", value: onlineId } : offer ? { kind: "qr_offer", value: offer } : { kind: "nothing", value: "" },
    onOther: async (code) => {
      if (code.kind !== "offer") return false;
      await setOffer(code.text);
      return true;
    },
    onLabel: async (j) => {
      // A label that raised an alarm stays off the truck (and out of the handover).
      if (j.alarm || labels.includes(j.text)) return;
      labels = [...labels, j.text];
      await recheck();
    },
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
        if (!offer && !onlineId) {
          showError({ kind: "bad_input", message: t("app.handover.offer_none") });
          return;
        }
        try {
          // Only the labels on the offer go in: one flagged is left off the truck.
          const listed = labels.filter((_, i) => checked[i]?.on_offer ?? true);
          if (onlineId) {
            const id = await api.takeReceivedOffer(onlineId, listed);
            showDone(t("app.handover.taken", { id }));
            mount(out, h("p", { class: "note ok", "data-testid": "take-done" }, `✓ ${t("app.handover.online_taken_note")}`));
            onlineId = null;
            labels = [];
            checked = [];
            await syncNow();
            return;
          }
          const taken = await api.take(offer!, listed);
          takeScan.stop();
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
    waiting,
    h("label", { class: "file" }, t("app.handover.read_offer"), offerFile),
    takeScan.el,
    offerNote,
    h("label", { class: "file" }, t("app.handover.read_labels"), labelFiles),
    checks,
    submit,
    out,
  );
}

/** Handing custody over: without a network through QR codes shown and read, or through the
 * registry when both devices are enrolled. */
export function handoverScreen(role: string, enrolled: boolean): HTMLElement {
  const [take, give] = [takePanel(role, enrolled), givePanel(role, enrolled)];
  // The usual part first: a producer gives (and takes back returns), the others take.
  const panels = role === "producer" ? [give, take] : [take, give];
  return h("section", { class: "handover" }, ...panels, identityPanel());
}
