import { describe, expect, it } from "vitest";
import { greyOfFrame, toGrey } from "../src/grey";

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

describe("greyOfFrame", () => {
  // Two rows of two pixels, each row padded to a stride of 12 bytes, after 3 bytes of offset.
  const packed = (pixels: number[][]) => {
    const data = new Uint8Array(3 + 2 * 12).fill(99);
    pixels.forEach((p, k) => data.set(p, 3 + Math.floor(k / 2) * 12 + (k % 2) * 4));
    return data;
  };

  it("takes the luma of RGBA and BGRA frames, honouring offset and stride", () => {
    const rgba = packed([[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 255, 0]]);
    expect([...greyOfFrame(rgba, "RGBA", [{ offset: 3, stride: 12 }], 2, 2)!]).toEqual([76, 149, 28, 255]);
    const bgra = packed([[0, 0, 255, 255], [0, 255, 0, 255], [255, 0, 0, 255], [255, 255, 255, 0]]);
    expect([...greyOfFrame(bgra, "BGRX", [{ offset: 3, stride: 12 }], 2, 2)!]).toEqual([76, 149, 28, 255]);
  });

  it("copies a YUV frame's Y plane row by row, leaving its chroma", () => {
    // Y rows [10 20] and [30 40] at a stride of 4, then a chroma plane.
    const nv12 = new Uint8Array([10, 20, 0, 0, 30, 40, 0, 0, 128, 128]);
    expect([...greyOfFrame(nv12, "NV12", [{ offset: 0, stride: 4 }, { offset: 8, stride: 4 }], 2, 2)!]).toEqual([10, 20, 30, 40]);
  });

  it("answers null for a format it does not know or a buffer of the wrong size", () => {
    expect(greyOfFrame(new Uint8Array(16), "RGBF", [{ offset: 0, stride: 8 }], 2, 2)).toBeNull();
    expect(greyOfFrame(new Uint8Array(16), "RGBA", [{ offset: 0, stride: 8 }], 2, 2, new Uint8Array(3))).toBeNull();
  });
});
