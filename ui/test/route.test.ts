import { describe, expect, it } from "vitest";
import { lengthKm, project } from "../src/route";

const fix = (lat: number, lon: number) => ({ lat_e7: Math.round(lat * 1e7), lon_e7: Math.round(lon * 1e7) });

describe("a route drawn in a box", () => {
  it("puts north up and east right, inside the padding", () => {
    // Fuzhou to Xiamen: south-west.
    const pts = project([fix(26.07, 119.3), fix(24.48, 118.09)], 360, 220, 12);
    const [[x0, y0], [x1, y1]] = pts;
    expect(x1).toBeLessThan(x0);
    expect(y1).toBeGreaterThan(y0);
    for (const [x, y] of pts) {
      expect(x).toBeGreaterThanOrEqual(12 - 1e-9);
      expect(x).toBeLessThanOrEqual(348 + 1e-9);
      expect(y).toBeGreaterThanOrEqual(12 - 1e-9);
      expect(y).toBeLessThanOrEqual(208 + 1e-9);
    }
    // The longer side fills its room: the track is taller than wide here.
    expect(Math.abs(y1 - y0)).toBeCloseTo(196, 6);
  });

  it("keeps a kilometre east as long as a kilometre north", () => {
    const lat = 60; // cos 60° = 0.5: a degree of longitude is half a degree of latitude
    const [a, b, c] = project([fix(lat, 10), fix(lat, 11), fix(lat + 0.5, 10)], 400, 400, 0);
    // (the mean latitude, 60.17°, is the one scaled by: within one per cent)
    expect(Math.abs(b[0] - a[0]) / Math.abs(c[1] - a[1])).toBeCloseTo(1, 1);
  });

  it("draws one fix, or the same place twice, in the middle", () => {
    expect(project([fix(26, 119)], 100, 50)).toEqual([[50, 25]]);
    expect(project([fix(26, 119), fix(26, 119)], 100, 50)).toEqual([[50, 25], [50, 25]]);
    expect(project([], 100, 50)).toEqual([]);
  });

  it("measures a track's length", () => {
    // One degree of latitude is about 111.2 km.
    expect(lengthKm([fix(26, 119), fix(27, 119)])).toBeCloseTo(111.2, 0);
    expect(lengthKm([fix(26, 119)])).toBe(0);
  });
});
