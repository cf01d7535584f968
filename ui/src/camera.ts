// The desktop camera: frames from getUserMedia, turned grey (on a worker where the web view
// has OffscreenCanvas, else here) and sent as raw bytes to Yima's own decoder in Rust
// (`scan_frame`), one frame in flight at a time.
import { api } from "./api";
import type { FrameCode } from "./bindings";
import { toGrey } from "./grey";

/** Frames read and codes found since the camera opened, for the screen and for benchmarks. */
export interface CameraStats {
  frames: number;
  found: number;
  started: number;
  /** Milliseconds spent getting frames' grey bytes, and in `scan_frame` (transfer and
   * decoding), over all frames. */
  readMs: number;
  scanMs: number;
}

type Grey = { grey: Uint8Array; width: number; height: number };

/** `device`, or `test`: the tests' camera, a 1280×720 canvas stream showing the picture the
 * tests put in the hidden `#yima-test-camera` image (the app runs so only when started
 * with `YIMA_TEST_CAMERA=1`). */
let source = "device";

export function setCameraSource(s: string): void {
  source = s;
}

/** The tests' camera: a canvas stream painting `#yima-test-camera` 30 times a second. */
function testStream(): { stream: MediaStream; stop: () => void } {
  const canvas = document.createElement("canvas");
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext("2d")!;
  let tick = 0;
  const paint = () => {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 1280, 720);
    const img = document.getElementById("yima-test-camera") as HTMLImageElement | null;
    if (img?.complete && img.naturalWidth > 0) {
      const k = Math.min(1240 / img.naturalWidth, 680 / img.naturalHeight);
      const [w, h] = [img.naturalWidth * k, img.naturalHeight * k];
      ctx.drawImage(img, (1280 - w) / 2, (720 - h) / 2, w, h);
    }
    // One pixel that changes, so the stream keeps producing frames.
    ctx.fillStyle = tick++ % 2 ? "#fefefe" : "#fdfdfd";
    ctx.fillRect(0, 0, 1, 1);
  };
  paint();
  const timer = window.setInterval(paint, 33);
  return { stream: canvas.captureStream(30), stop: () => window.clearInterval(timer) };
}

/** A frame's grey bytes: through the worker when it runs, else on this thread. */
class FrameReader {
  private worker: Worker | null = null;
  private waiting: ((g: Grey) => void) | null = null;
  private canvas = document.createElement("canvas");

  constructor() {
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

  async read(video: HTMLVideoElement): Promise<Grey> {
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
    return { grey: toGrey(ctx.getImageData(0, 0, width, height).data), width, height };
  }

  close(): void {
    this.worker?.terminate();
  }
}

/** An open camera showing in `video`, each frame's codes passed to `onCodes`. */
export class Camera {
  readonly stats: CameraStats = { frames: 0, found: 0, started: performance.now(), readMs: 0, scanMs: 0 };
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

  async start(): Promise<void> {
    if (source === "test") {
      const test = testStream();
      this.stream = test.stream;
      this.stopSource = test.stop;
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
  }

  get open(): boolean {
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!this.video.isConnected) {
        // The screen went away: close the camera with it.
        this.stop();
        return;
      }
      if (this.video.readyState < 2 || this.video.videoWidth === 0) {
        await new Promise((r) => setTimeout(r, 30));
        continue;
      }
      try {
        const t0 = performance.now();
        const { grey, width, height } = await this.reader.read(this.video);
        const t1 = performance.now();
        const codes = await api.scanFrame(grey, width, height);
        this.stats.readMs += t1 - t0;
        this.stats.scanMs += performance.now() - t1;
        this.stats.frames++;
        if (codes.length > 0) {
          this.stats.found++;
          if (this.running) this.onCodes(codes);
        }
      } catch (e) {
        this.running = false;
        this.onError(e);
      }
      // Let the page paint between frames.
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}
