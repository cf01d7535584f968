// RGBA pixels to the grey bytes Yima's decoder reads (ITU-R BT.601 luma, in integers).

/** The luma of each RGBA pixel of `rgba`, one byte a pixel. */
export function toGrey(rgba: Uint8ClampedArray, out = new Uint8Array(rgba.length >> 2)): Uint8Array {
  for (let i = 0, j = 0; j < out.length; i += 4, j++) {
    out[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  }
  return out;
}
