import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FrameClock } from "../src/frame-clock";

describe("FrameClock", () => {
  let decoded = 0;
  let clock: FrameClock;
  beforeEach(() => {
    vi.useFakeTimers();
    decoded = 0;
    clock = new FrameClock(() => decoded, () => Date.now());
  });
  afterEach(() => vi.useRealTimers());

  /** Whether `p` settled after `ms` of fake time. */
  const settledAfter = async (p: Promise<void>, ms: number) => {
    let done = false;
    void p.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(ms);
    return done;
  };

  it("waits for the decoded count to grow when the web view tells nothing", async () => {
    const at = clock.begin();
    const wait = clock.next(at);
    expect(await settledAfter(wait, 40)).toBe(false);
    decoded = 1;
    expect(await settledAfter(wait, 5)).toBe(true);
    expect(clock.shown).toBe(1);
  });

  it("reads no frame twice: a frame decoded during the read ends the wait at once", async () => {
    const at = clock.begin();
    decoded = 1;
    expect(await settledAfter(clock.next(at), 0)).toBe(true);
    const again = clock.begin();
    expect(await settledAfter(clock.next(again), 50)).toBe(false);
  });

  it("wakes when told of a frame, and then waits for the telling alone", async () => {
    let at = clock.begin();
    const wait = clock.next(at);
    clock.tell();
    expect(await settledAfter(wait, 0)).toBe(true);
    at = clock.begin();
    const told = clock.next(at);
    expect(await settledAfter(told, 50)).toBe(false);
    clock.tell();
    expect(await settledAfter(told, 0)).toBe(true);
    expect(clock.shown).toBe(2);
  });

  it("reads again after 100 ms when nothing says a frame came", async () => {
    const wait = clock.next(clock.begin());
    expect(await settledAfter(wait, 99)).toBe(false);
    expect(await settledAfter(wait, 2)).toBe(true);
  });

  it("ends a wait when the camera closes, whether told of frames or not", async () => {
    const polling = clock.next(clock.begin());
    clock.stop();
    expect(await settledAfter(polling, 0)).toBe(true);
    const told = new FrameClock(() => 0, () => Date.now());
    told.tell();
    const waiting = told.next(told.begin());
    told.stop();
    expect(await settledAfter(waiting, 0)).toBe(true);
  });
});
