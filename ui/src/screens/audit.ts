// The regulator's audit screen, online: containers of its jurisdiction searched at the
// registry (paged), counted by group, and one container's history fetched from the registry
// and verified on this device.
import { api, isAppError } from "../api";
import { auditErrorKey, filterFrom, groupKey, pageLimit, withPage, DEFAULT_PAGE } from "../audit";
import type { AuditFilterForm, AuditRowView, AuditTimelineView } from "../bindings";
import { h, mount } from "../dom";
import { chinaTime } from "../format";
import { t } from "../i18n";

/** An error said in `out`: a plain sentence when offline or not enrolled, else the app's. */
function sayError(out: HTMLElement, e: unknown): void {
  const key = isAppError(e) ? auditErrorKey(e) : null;
  out.dataset.kind = isAppError(e) ? e.kind : "other";
  out.className = "note bad";
  out.textContent = key ? t(key) : isAppError(e) ? e.message : String(e);
}

function timelineView(tl: AuditTimelineView): (HTMLElement | null)[] {
  return [
    h("h3", {}, `${t("app.audit.timeline")} · `, h("span", { class: "code" }, tl.code)),
    h(
      "p",
      { class: tl.ok ? "note ok" : "note bad", "data-testid": "audit-verdict", "data-ok": String(tl.ok) },
      tl.ok ? t("app.audit.timeline_ok", { n: tl.events }) : t("app.audit.timeline_bad", { n: tl.failures.length }),
    ),
    h("p", { class: "note" }, `${t("app.audit.exported")} ${tl.exported_by} · ${chinaTime(tl.exported_at)}`),
    h(
      "ol",
      { class: "timeline" },
      tl.steps.map((s) =>
        h(
          "li",
          { class: s.verified ? "step ok" : "step bad", "data-testid": "audit-step", "data-verified": String(s.verified) },
          h("span", { class: "mark", "data-testid": "audit-step-verified" }, s.verified ? "✓" : "✗"),
          " ",
          h("b", {}, s.step_name),
          ` ${s.at ? chinaTime(s.at) : "?"} · ${s.org_name ?? ""} `,
          h("span", { class: "code" }, s.org ?? ""),
          s.problems.length
            ? h(
                "ul",
                {},
                s.problems.map((p) => h("li", { class: "problem", "data-testid": "audit-problem" }, p)),
              )
            : null,
        ),
      ),
    ),
    tl.failures.length
      ? h("ul", {}, tl.failures.map((f) => h("li", { class: "problem", "data-testid": "audit-failure" }, f)))
      : null,
  ];
}

/** What the screen showed, kept across the re-renders a sync brings. */
const kept: {
  values: Record<string, string>;
  limit: string;
  by: string;
  rows: AuditRowView[];
  searched: AuditFilterForm | null;
  next: string | null;
} = { values: {}, limit: String(DEFAULT_PAGE), by: "state", rows: [], searched: null, next: null };

export function auditScreen(): HTMLElement {
  const input = (name: string, attrs: Record<string, unknown> = {}) =>
    h("input", { "data-testid": `audit-${name}`, ...attrs }) as HTMLInputElement;
  const fields: Partial<Record<keyof AuditFilterForm, HTMLInputElement | HTMLSelectElement>> = {
    plate: input("plate", { placeholder: "闽A·D1234" }),
    manifest: input("manifest", { inputmode: "numeric" }),
    code: input("code"),
    producer: input("producer"),
    waste: input("waste", { placeholder: "900-041-49" }),
    category: input("category", { placeholder: "HW08" }),
    state: h("select", { "data-testid": "audit-state" }, h("option", { value: "" }, t("app.audit.any_state"))),
    since: input("since", { type: "date" }),
    until: input("until", { type: "date" }),
  };
  const limit = input("limit", { type: "number", min: 1, max: 500, value: kept.limit });
  for (const [k, el] of Object.entries(fields)) if (el instanceof HTMLInputElement) el.value = kept.values[k] ?? "";
  const by = h("select", { "data-testid": "audit-by" }) as HTMLSelectElement;
  const status = h("p", { class: "note", "data-testid": "audit-status" });
  const results = h("div", { "data-testid": "audit-results" });
  const countsOut = h("div", { "data-testid": "audit-counts" });
  const timelineOut = h("div", { "data-testid": "audit-timeline" });

  void api
    .auditChoices()
    .then((c) => {
      fields.state!.append(...c.states.map((s) => h("option", { value: s.state }, s.name)));
      by.append(...c.groups.map((g) => h("option", { value: g }, t(groupKey(g)))));
      fields.state!.value = kept.values.state ?? "";
      by.value = kept.by;
    })
    .catch((e) => sayError(status, e));

  const filter = (): AuditFilterForm =>
    filterFrom(Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, el!.value])));

  let rows = kept.rows;
  let searched: AuditFilterForm = kept.searched ?? filter();
  let next = kept.next;
  const keep = () => {
    kept.values = Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, el!.value]));
    kept.limit = limit.value;
    kept.by = by.value || kept.by;
    Object.assign(kept, { rows, searched, next });
  };

  async function openTimeline(code: string): Promise<void> {
    timelineOut.dataset.code = code;
    mount(timelineOut, h("p", { class: "note" }, t("app.audit.asking")));
    try {
      const tl = await api.auditTimeline(code);
      if (timelineOut.dataset.code === code) mount(timelineOut, ...timelineView(tl));
    } catch (e) {
      const out = h("p", { "data-testid": "audit-error" });
      sayError(out, e);
      mount(timelineOut, out);
    }
  }

  function showRows(): void {
    mount(
      results,
      rows.length === 0
        ? null
        : h(
            "table",
            {},
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["app.audit.col_code", "app.audit.col_waste", "app.audit.col_state", "app.audit.col_holder", "app.audit.col_manifest"].map(
                  (k) => h("th", {}, t(k)),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              rows.map((r) =>
                h(
                  "tr",
                  {
                    class: "clickable",
                    "data-testid": "audit-row",
                    "data-code": r.code,
                    "data-state": r.state,
                    onclick: () => void openTimeline(r.code),
                  },
                  h("td", { class: "code" }, r.code),
                  h("td", {}, r.waste),
                  h("td", { "data-testid": "audit-row-state" }, r.state_name),
                  h("td", { class: "code" }, r.holder),
                  h("td", { class: "code" }, r.manifest ?? ""),
                ),
              ),
            ),
          ),
      next
        ? h("button", { "data-testid": "audit-more", onclick: () => void load(true) }, t("app.audit.more"))
        : null,
    );
    status.className = "note";
    status.dataset.kind = "";
    status.textContent =
      rows.length === 0
        ? t("app.audit.none")
        : next
          ? t("app.audit.shown", { n: rows.length })
          : t("app.audit.shown_all", { n: rows.length });
  }

  async function load(more: boolean): Promise<void> {
    if (!more) {
      searched = filter();
      rows = [];
      next = null;
      mount(results);
    }
    status.className = "note";
    status.textContent = t("app.audit.asking");
    try {
      const page = await api.auditSearch(searched, more ? next : null, pageLimit(limit.value));
      rows = withPage(rows, page);
      next = page.next;
      keep();
      showRows();
    } catch (e) {
      sayError(status, e);
    }
  }

  async function count(): Promise<void> {
    keep();
    mount(countsOut, h("p", { class: "note" }, t("app.audit.asking")));
    try {
      const c = await api.auditCounts(filter(), by.value);
      mount(
        countsOut,
        h(
          "table",
          {},
          h(
            "tbody",
            {},
            c.groups.map((g) =>
              h(
                "tr",
                { "data-testid": "audit-count", "data-key": g.key, "data-containers": String(g.containers) },
                h("td", {}, g.label),
                h("td", {}, String(g.containers)),
              ),
            ),
          ),
        ),
        h("p", { "data-testid": "audit-total", "data-total": String(c.total) }, t("app.audit.total", { n: c.total })),
      );
    } catch (e) {
      const out = h("p", { "data-testid": "audit-error" });
      sayError(out, e);
      mount(countsOut, out);
    }
  }

  if (kept.searched) showRows();

  const labels: [keyof AuditFilterForm, string][] = [
    ["plate", "app.audit.plate"],
    ["manifest", "app.audit.manifest"],
    ["code", "app.audit.code"],
    ["producer", "app.audit.producer"],
    ["waste", "app.audit.waste"],
    ["category", "app.audit.category"],
    ["state", "app.audit.state"],
    ["since", "app.audit.since"],
    ["until", "app.audit.until"],
  ];
  return h(
    "section",
    { class: "audit" },
    h("p", { class: "note" }, t("app.audit.how")),
    h(
      "form",
      {
        class: "panel",
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void load(false);
        },
      },
      labels.map(([f, key]) => h("label", { class: "field" }, t(key), fields[f]!)),
      h("label", { class: "field" }, t("app.audit.limit"), limit),
      h("button", { class: "primary", type: "submit", "data-testid": "audit-search" }, t("app.audit.search")),
    ),
    status,
    results,
    h(
      "div",
      { class: "panel" },
      h("h3", {}, t("app.audit.counts")),
      h("label", { class: "field" }, t("app.audit.by"), by),
      h("button", { "data-testid": "audit-count-submit", onclick: () => void count() }, t("app.audit.count")),
      countsOut,
    ),
    timelineOut,
  );
}
