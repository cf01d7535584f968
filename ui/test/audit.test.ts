import { describe, expect, it } from "vitest";
import { auditErrorKey, emptyFilter, filterFrom, groupKey, pageLimit, withPage, DEFAULT_PAGE } from "../src/audit";
import type { AuditPageView, AuditRowView } from "../src/bindings";
import { has, t } from "../src/i18n";

const row = (code: string): AuditRowView => ({
  code,
  producer: "91350100M000100Y43",
  waste: "900-249-08",
  category: "HW08",
  state: "in_transit",
  state_name: "运输中",
  holder: "91350100MA2XY80011",
  manifest: "20263501000123",
  first_at: "2026-05-01T01:00:00Z",
  last_at: "2026-05-01T02:00:00Z",
});

describe("the audit filter", () => {
  it("gives only what was typed, trimmed, every field present", () => {
    const f = filterFrom({ plate: "  闽A·D1234 ", manifest: "20263501000123", since: "2026-05-01" });
    expect(f).toEqual({ ...emptyFilter(), plate: "闽A·D1234", manifest: "20263501000123", since: "2026-05-01" });
    expect(Object.values(emptyFilter()).every((v) => v === "")).toBe(true);
    expect(Object.keys(emptyFilter()).sort()).toEqual(
      ["carrier", "category", "code", "division", "manifest", "org", "plate", "producer", "since", "state", "until", "waste"],
    );
  });

  it("takes a page size from 1 to 500, else the default", () => {
    expect(pageLimit("1")).toBe(1);
    expect(pageLimit(" 500 ")).toBe(500);
    for (const bad of ["", "0", "501", "2.5", "ten", "-3"]) expect(pageLimit(bad)).toBe(DEFAULT_PAGE);
  });
});

describe("pages", () => {
  it("adds a page's containers after those shown, none twice", () => {
    const page: AuditPageView = { containers: [row("B"), row("C")], next: null };
    expect(withPage([row("A"), row("B")], page).map((r) => r.code)).toEqual(["A", "B", "C"]);
    expect(withPage([], { containers: [], next: null })).toEqual([]);
  });
});

describe("errors and names", () => {
  it("says plainly when there is no registry or it cannot be reached; else the app's message", () => {
    expect(auditErrorKey({ kind: "not_enrolled", message: "x" })).toBe("app.audit.not_enrolled");
    expect(auditErrorKey({ kind: "sync_unreachable", message: "x" })).toBe("app.audit.offline");
    expect(auditErrorKey({ kind: "bad_input", message: "plate: …" })).toBeNull();
    expect(t("app.audit.offline", {}, "zh")).toContain("联网");
    expect(t("app.audit.offline", {}, "en")).toContain("connection");
  });

  it("names every grouping the registry counts by, in both languages", () => {
    for (const by of ["producer", "province", "city", "county", "category", "waste", "state", "day", "month", "year"]) {
      expect(has(groupKey(by))).toBe(true);
      expect(t(groupKey(by), {}, "zh")).not.toEqual(t(groupKey(by), {}, "en"));
    }
  });
});
