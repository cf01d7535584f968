import { describe, expect, it } from "vitest";
import { labelTexts, one, pngUrl } from "../src/files";
import type { ScannedCode } from "../src/bindings";

const code = (kind: string, text: string): ScannedCode => ({ kind, text, code: null, quantity: null, check: null });

describe("reading QR codes from picked files", () => {
  it("takes the one offer among other codes, and none when two differ", () => {
    const found = [code("label", "L1"), code("offer", "O1"), code("offer", "O1")];
    expect(one(found, "offer")).toBe("O1");
    expect(one([...found, code("offer", "O2")], "offer")).toBeNull();
    expect(one(found, "ack")).toBeNull();
  });
  it("keeps each label once, in order", () => {
    expect(labelTexts([code("label", "B"), code("identity", "I"), code("label", "A"), code("label", "B")])).toEqual(["B", "A"]);
  });
  it("shows a PNG as a data URL", () => {
    expect(pngUrl("iVBOR")).toBe("data:image/png;base64,iVBOR");
  });
});
