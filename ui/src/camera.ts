// The desktop camera: each new frame of getUserMedia's stream read once (`FrameClock`), its
// grey bytes taken from the frame itself (WebCodecs' `VideoFrame.copyTo`: a camera's Y plane
// as it is, no canvas, no colour conversion) or, where the web view lacks that, drawn on a
// canvas (on a worker where it has OffscreenCanvas), and sent as raw bytes to Yima's own
// decoder in Rust (`scan_frame`), one frame in flight at a time.
import { api } from "./api";
import type { FrameCode } from "./bindings";
import { FrameClock } from "./frame-clock";
import { greyOfFrame, toGrey } from "./grey";

/** Frames read and codes found since the camera opened, for the screen and for benchmarks. */
export interface CameraStats {
  frames: number;
  found: number;
  started: number;
  /** Milliseconds spent getting frames' grey bytes, and in `scan_frame` (transfer and
   * decoding), over all frames. */
  readMs: number;
  scanMs: number;
  /** Frames the video showed (as `requestVideoFrameCallback` tells, or where the web view
   * does not call it, painting without compositing, as the video's playback quality counts
   * them), and how frames are read: from the `frame` itself, on the `worker` or on a
   * `canvas`. */
  shown: number;
  how: string;
}

type Grey = { grey: Uint8Array; width: number; height: number };

/** `device`, or `test`: the tests' camera, a 1280×720 canvas stream showing the picture the
 * tests put in the hidden `#yima-test-camera` image (the app runs so only when started
 * with `YIMA_TEST_CAMERA=1`). */
let source = "device";

export function setCameraSource(s: string): void {
  source = s;
}

/** The tests' camera: a canvas stream of `#yima-test-camera` at 30 frames a second (or as
 * many as the image's `data-fps` says, for the benchmark to ask more than a camera's). The
 * picture is drawn again only when it changed; otherwise one pixel changes, so the stream
 * keeps producing frames (as a camera does) without the page redrawing the whole frame. */
function testStream(): { stream: MediaStream; stop: () => void; pause: (paused: boolean) => void } {
  const canvas = document.createElement("canvas");
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext("2d")!;
  let tick = 0;
  let shown: string | null = null;
  let paused = false;
  const paint = () => {
    if (paused) return;
    const img = document.getElementById("yima-test-camera") as HTMLImageElement | null;
    const ready = !!img?.complete && img.naturalWidth > 0;
    const now = ready ? img!.currentSrc || img!.src : "";
    if (now !== shown) {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, 1280, 720);
      if (ready) {
        const k = Math.min(1240 / img!.naturalWidth, 680 / img!.naturalHeight);
        const [w, h] = [img!.naturalWidth * k, img!.naturalHeight * k];
        ctx.drawImage(img!, (1280 - w) / 2, (720 - h) / 2, w, h);
        // When the picture entered the camera's frame, for the benchmark of a code
        // entering the frame to its flash.
        img!.dataset.drawnAt = String(performance.now());
      }
      shown = now;
    }
    ctx.fillStyle = tick++ % 2 ? "#fefefe" : "#fdfdfd";
    ctx.fillRect(0, 0, 1, 1);
  };
  paint();
  const fps = Number(document.getElementById("yima-test-camera")?.dataset.fps) || 30;
  const timer = window.setInterval(paint, 1000 / fps);
  return {
    stream: canvas.captureStream(fps),
    stop: () => window.clearInterval(timer),
    pause: (p: boolean) => (paused = p),
  };
}

/** A frame's grey bytes: from the video frame itself where the web view has WebCodecs,
 * else drawn through the worker when it runs, else on this thread. The buffers are kept
 * from frame to frame (one frame is in flight at a time), so scanning makes no garbage. */
class FrameReader {
  private worker: Worker | null = null;
  private waiting: ((g: Grey) => void) | null = null;
  private canvas = document.createElement("canvas");
  private direct = typeof VideoFrame === "function";
  private pixels = new Uint8Array(0);
  private grey = new Uint8Array(0);

  constructor() {
    if (!this.direct) this.startWorker();
  }

  private startWorker(): void {
    if (typeof OffscreenCanvas !== "undefined" && typeof createImageBitmap === "function") {
      try {
        this.worker = new Worker(new URL("./frame-worker.ts", import.meta.url), { type: "module" });
        this.worker.onmessage = (e: MessageEvent<Grey>) => this.waiting?.(e.data);
        this.worker.onerror = () => (this.worker = null);
      } catch {
        this.worker = null;
      }
    }
  }

  /** The frame `video` shows now, straight from its pixels; `null` when this web view
   * cannot (then the canvas is used from now on). */
  private async fromFrame(video: HTMLVideoElement): Promise<Grey | null> {
    let frame: VideoFrame | null = null;
    try {
      frame = new VideoFrame(video);
      const width = frame.visibleRect?.width ?? frame.codedWidth;
      const height = frame.visibleRect?.height ?? frame.codedHeight;
      const size = frame.allocationSize();
      if (this.pixels.length < size) this.pixels = new Uint8Array(size);
      if (this.grey.length !== width * height) this.grey = new Uint8Array(width * height);
      const planes = await frame.copyTo(this.pixels);
      const grey = greyOfFrame(this.pixels, frame.format ?? "", planes, width, height, this.grey);
      return grey && { grey, width, height };
    } catch {
      return null;
    } finally {
      frame?.close();
    }
  }

  async read(video: HTMLVideoElement): Promise<Grey> {
    if (this.direct) {
      const g = await this.fromFrame(video);
      if (g) return g;
      this.direct = false;
      this.startWorker();
    }
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (this.worker) {
      try {
        const bitmap = await createImageBitmap(video);
        return await new Promise<Grey>((resolve, reject) => {
          const late = setTimeout(() => reject(new Error("the frame worker did not answer")), 2000);
          this.waiting = (g) => {
            clearTimeout(late);
            resolve(g);
          };
          this.worker!.postMessage({ bitmap }, [bitmap]);
        });
      } catch {
        // This web view cannot hand frames to a worker: read them here from now on.
        this.close();
        this.worker = null;
      }
    }
    this.canvas.width = width;
    this.canvas.height = height;
    const ctx = this.canvas.getContext("2d", { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0, width, height);
    if (this.grey.length !== width * height) this.grey = new Uint8Array(width * height);
    return { grey: toGrey(ctx.getImageData(0, 0, width, height).data, this.grey), width, height };
  }

  /** How the frames are read, for the benchmarks: `frame`, `worker` or `canvas`. */
  get how(): string {
    return this.direct ? "frame" : this.worker ? "worker" : "canvas";
  }

  close(): void {
    this.worker?.terminate();
  }
}

/** An open camera showing in `video`, each frame's codes passed to `onCodes`. */
export class Camera {
  readonly stats: CameraStats = { frames: 0, found: 0, started: performance.now(), readMs: 0, scanMs: 0, shown: 0, how: "" };
  private stream: MediaStream | null = null;
  private running = false;
  private reader = new FrameReader();

  constructor(
    private video: HTMLVideoElement,
    private onCodes: (codes: FrameCode[]) => void,
    private onError: (e: unknown) => void,
  ) {}

  /** Whether this web view can open a camera at all. */
  static available(): boolean {
    return source === "test" || (typeof navigator !== "undefined" && !!navigator.mediaDevices?.getUserMedia);
  }

  private stopSource: () => void = () => {};
  private pauseSource: (paused: boolean) => void = () => {};
  /** While set, the scanner reads no frame (the benchmark's own measurement runs). */
  private held = false;

  /** The tests' camera only, for the benchmark: how long Yima's own work takes a frame
   * (its grey bytes, then `scan_frame`: the transfer and the decoding), with the test
   * stream paused so that nothing else competes: the frame on screen read `n` times. */
  async timeFrames(n: number): Promise<{ readMs: number; scanMs: number; found: number }> {
    this.held = true;
    this.pauseSource(true);
    await new Promise((r) => setTimeout(r, 300));
    const out = { readMs: 0, scanMs: 0, found: 0 };
    try {
      for (let i = 0; i < n; i++) out.found += (await this.readAndScan(i, out)).length;
    } finally {
      this.pauseSource(false);
      this.held = false;
    }
    return out;
  }

  /** The frame on screen read and decoded (`index`: its number, for `scan_frame`), the time
   * each part took added to `times`. */
  private async readAndScan(index: number, times: { readMs: number; scanMs: number }): Promise<FrameCode[]> {
    const t0 = performance.now();
    const { grey, width, height } = await this.reader.read(this.video);
    const t1 = performance.now();
    const codes = await api.scanFrame(grey, width, height, index);
    times.readMs += t1 - t0;
    times.scanMs += performance.now() - t1;
    return codes;
  }

  async start(): Promise<void> {
    if (source === "test") {
      const test = testStream();
      this.stream = test.stream;
      this.stopSource = test.stop;
      this.pauseSource = test.pause;
      // For the camera's benchmark (the tests' camera only).
      (window as unknown as { yimaTestCamera?: Camera }).yimaTestCamera = this;
    } else {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "environment" },
        audio: false,
      });
    }
    this.video.srcObject = this.stream;
    this.video.muted = true;
    await this.video.play();
    this.running = true;
    this.clock = this.newClock();
    this.stats.started = performance.now();
    void this.loop();
  }

  stop(): void {
    this.running = false;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stopSource();
    this.stream = null;
    this.video.srcObject = null;
    this.reader.close();
    this.clock.stop();
  }

  get open(): boolean {
    return this.running;
  }

  /** When the next frame is there (a new clock each time the camera opens). */
  private clock = this.newClock();

  private newClock(): FrameClock {
    return new FrameClock(() => this.video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0);
  }

  private countFrames(): void {
    const video = this.video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };
    if (typeof video.requestVideoFrameCallback !== "function") return;
    const onFrame = () => {
      if (!this.running) return;
      this.clock.tell();
      video.requestVideoFrameCallback!(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  private async loop(): Promise<void> {
    this.countFrames();
    this.stats.how = this.reader.how;
    while (this.running) {
      if (!this.video.isConnected) {
        // The screen went away: close the camera with it.
        this.stop();
        return;
      }
      if (this.held || this.video.readyState < 2 || this.video.videoWidth === 0) {
        await new Promise((r) => setTimeout(r, 30));
        continue;
      }
      const at = this.clock.begin();
      try {
        const codes = await this.readAndScan(this.stats.frames, this.stats);
        this.stats.frames++;
        this.stats.how = this.reader.how;
        if (codes.length > 0) {
          this.stats.found++;
          if (this.running) this.onCodes(codes);
        }
      } catch (e) {
        this.running = false;
        this.onError(e);
      }
      // The next frame the camera gives (the page paints meanwhile).
      await this.clock.next(at);
      this.stats.shown = this.clock.shown;
    }
  }
}
