import { describe, expect, it } from "vitest";
import type { ManifestLineRow, ManifestRow } from "../src/bindings";
import { chinaDate, dispatchedToday, lineFlag, manifestsTab } from "../src/manifests";

const line = (over: Partial<ManifestLineRow>): ManifestLineRow => ({
  code: "C",
  name: "废矿物油",
  declared: "20 kg",
  measured: null,
  difference: null,
  beyond_tolerance: false,
  state: "dispatched",
  state_name: "已出库",
  holder: "91350100M000100Y43",
  waiting: false,
  ...over,
});

const manifest = (dispatched_at: string | null): ManifestRow => ({
  number: "20263501000123",
  part: "carrier",
  sender: "S",
  carrier: "C",
  receiver: "R",
  dispatched_at,
  waiting: 1,
  declared_kg: "20 kg",
  measured_kg: "0 kg",
  lines: [line({ waiting: true })],
});

describe("manifests", () => {
  it("count days on China's clocks", () => {
    expect(chinaDate("2026-12-03T17:00:00.000Z")).toBe("2026-12-04");
    expect(chinaDate("2026-12-03T15:59:59.000Z")).toBe("2026-12-03");
    const now = new Date("2026-12-04T02:00:00.000Z");
    expect(dispatchedToday(manifest("2026-12-03T16:30:00.000Z"), now)).toBe(true);
    expect(dispatchedToday(manifest("2026-12-03T15:30:00.000Z"), now)).toBe(false);
    expect(dispatchedToday(manifest(null), now)).toBe(false);
  });

  it("flag what is still to come before a weight beyond tolerance", () => {
    expect(lineFlag(line({ waiting: true, beyond_tolerance: true }))).toBe("waiting");
    expect(lineFlag(line({ beyond_tolerance: true, measured: "25 kg" }))).toBe("beyond");
    expect(lineFlag(line({ measured: "19.7 kg" }))).toBe("ok");
  });

  it("are a driver's pickups and a receiver's arrivals", () => {
    expect(manifestsTab("carrier")).toBe("app.tab.pickups");
    expect(manifestsTab("receiver")).toBe("app.tab.arrivals");
    expect(manifestsTab("producer")).toBe("app.tab.manifests");
  });
});
