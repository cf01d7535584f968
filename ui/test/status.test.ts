import { describe, expect, it } from "vitest";
import { blockNotice, connectivity, progressText } from "../src/status";

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

describe("blockNotice", () => {
  const producer = { role: "producer", org_name: "福州示例化工有限公司", credit_code: "91350100M000100Y43", key_id: "ab12" };
  const none = { block: "1-999", source: "none" };
  it("warns a producer's device without a block, saying what to do offline and enrolled", () => {
    expect(blockNotice({ identity: producer, label_block: none, registry: null })).toBe("app.block.none_offline");
    expect(blockNotice({ identity: producer, label_block: none, registry: "https://r.example" })).toBe(
      "app.block.none_enrolled",
    );
  });
  it("says nothing with a block, or to a device that labels nothing", () => {
    const given = { block: "501-750", source: "registry" };
    expect(blockNotice({ identity: producer, label_block: given, registry: "https://r.example" })).toBeNull();
    expect(blockNotice({ identity: producer, label_block: { block: "1-99", source: "set_up" }, registry: null })).toBeNull();
    expect(blockNotice({ identity: { ...producer, role: "carrier" }, label_block: none, registry: null })).toBeNull();
    expect(blockNotice({ identity: null, label_block: null, registry: null })).toBeNull();
  });
});
