import { describe, expect, it } from "vitest";
import { connectivity, progressText } from "../src/status";

describe("connectivity", () => {
  it("is offline without a registry, and with one says whether sync can reach it", () => {
    expect(connectivity({ registry: null })).toBe("offline");
    expect(connectivity({ registry: null }, false)).toBe("offline");
    expect(connectivity({ registry: "https://registry.example" })).toBe("enrolled");
    expect(connectivity({ registry: "https://registry.example" }, false)).toBe("no_network");
    expect(connectivity({ registry: "https://registry.example" }, true, true)).toBe("unreachable");
  });
  it("writes a sync's progress with its total when known", () => {
    expect(progressText({ phase: "push", done: 500, total: 1200 })).toMatch(/500\/1200$/);
    expect(progressText({ phase: "pull", done: 40, total: null })).toMatch(/ 40$/);
  });
});
