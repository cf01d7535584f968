import { describe, expect, it } from "vitest";
import { chinaTime } from "../src/format";

describe("times", () => {
  it("are shown on China's clocks, whatever the machine's zone", () => {
    expect(chinaTime("2026-03-01T06:05:00.000Z", "zh")).toContain("14:05:00");
    expect(chinaTime("2026-03-01T06:05:00.000Z", "en")).toContain("14:05:00");
    expect(chinaTime("2026-03-01T20:00:00.000Z", "en")).toContain("02/03/2026");
    expect(chinaTime("not a time", "zh")).toBe("not a time");
  });
});
