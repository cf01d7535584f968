import { describe, expect, it } from "vitest";
import { toGrey } from "../src/grey";

describe("toGrey", () => {
  it("takes each RGBA pixel's BT.601 luma, ignoring alpha", () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 0, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);
    expect([...toGrey(rgba)]).toEqual([0, 255, 76, 149, 28]);
  });

  it("writes into the buffer it is given, one byte a pixel, grey staying grey", () => {
    const out = new Uint8Array(2);
    const grey = toGrey(new Uint8ClampedArray([10, 10, 10, 255, 200, 200, 200, 255]), out);
    expect(grey).toBe(out);
    expect([...out]).toEqual([10, 200]);
  });
});
