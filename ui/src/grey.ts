// Camera pixels to the grey bytes Yima's decoder reads (ITU-R BT.601 luma, in integers).

/** The luma of each RGBA pixel of `rgba`, one byte a pixel (one row of `greyOfFrame`). */
export function toGrey(rgba: Uint8ClampedArray | Uint8Array, out = new Uint8Array(rgba.length >> 2)): Uint8Array {
  return greyOfFrame(rgba, "RGBA", [{ offset: 0, stride: rgba.length }], out.length, 1, out)!;
}

/** Where a plane of a video frame's copied bytes starts, and the bytes from one row to the
 * next (WebCodecs' `PlaneLayout`). */
export interface Plane {
  offset: number;
  stride: number;
}

/** The grey bytes, `width × height`, of a video frame's pixels copied out in `format` (a
 * WebCodecs `VideoPixelFormat`) with `planes` as `VideoFrame.copyTo` laid them out: the
 * luma of packed RGB pixels, or the Y plane itself of a YUV frame (what cameras mostly
 * give), row by row. `null` for a format it does not know, for the caller to read the frame
 * another way. */
export function greyOfFrame(
  data: Uint8Array | Uint8ClampedArray,
  format: string,
  planes: Plane[],
  width: number,
  height: number,
  out = new Uint8Array(width * height),
): Uint8Array | null {
  const plane = planes[0];
  if (!plane || out.length !== width * height) return null;
  const { offset, stride } = plane;
  switch (format) {
    case "I420":
    case "I420A":
    case "I422":
    case "I444":
    case "NV12":
      for (let y = 0; y < height; y++) {
        out.set(data.subarray(offset + y * stride, offset + y * stride + width), y * width);
      }
      return out;
    case "RGBA":
    case "RGBX":
    case "BGRA":
    case "BGRX": {
      const [r, b] = format.startsWith("RGB") ? [0, 2] : [2, 0];
      for (let y = 0, j = 0; y < height; y++) {
        for (let i = offset + y * stride, end = i + width * 4; i < end; i += 4, j++) {
          out[j] = (data[i + r] * 77 + data[i + 1] * 150 + data[i + b] * 29) >> 8;
        }
      }
      return out;
    }
    default:
      return null;
  }
}
