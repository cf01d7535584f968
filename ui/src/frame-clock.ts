// When a camera's next frame is there, so that each frame is read once and none twice: as
// the web view tells (`requestVideoFrameCallback`), or where it never calls that (WebKitGTK
// painting without compositing), as the video's decoded-frame count grows, looked at every
// 4 ms. A web view that tells nothing at all still gets a read every 100 ms.

export class FrameClock {
  /** Frames the web view told of, and whether one came since the last read began. */
  private told = 0;
  private fresh = false;
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(
    /** The video's decoded-frame count (0 where unknown). */
    private decoded: () => number,
    private now: () => number = () => performance.now(),
    private limitMs = 100,
  ) {}

  /** The web view showed a frame (`requestVideoFrameCallback`). */
  tell(): void {
    this.told++;
    this.fresh = true;
    this.wake?.();
  }

  /** A read begins: what `next` waits to see pass. */
  begin(): number {
    this.fresh = false;
    return this.decoded();
  }

  /** Frames shown so far: as told, or where the web view tells nothing, as decoded. */
  get shown(): number {
    return this.told > 0 ? this.told : this.decoded();
  }

  /** Until a frame after the read that began at `after` (or `limitMs`, or `stop`). */
  async next(after: number): Promise<void> {
    const until = this.now() + this.limitMs;
    while (!this.ended && !this.fresh && this.decoded() <= after && this.now() < until) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(late);
          this.wake = null;
          resolve();
        };
        const late = setTimeout(done, this.told > 0 ? until - this.now() : 4);
        this.wake = done;
      });
    }
  }

  /** Ends every wait, now and after (the camera closed). */
  stop(): void {
    this.ended = true;
    this.wake?.();
  }
}
