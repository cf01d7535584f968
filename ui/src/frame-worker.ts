// Turns camera frames into grey bytes off the UI's thread: the page sends an ImageBitmap of
// each frame, the worker draws it, takes its luma and sends the bytes back (transferred, not
// copied), so the preview never waits for a frame's pixels.
import { toGrey } from "./grey";

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;

self.onmessage = (e: MessageEvent<{ bitmap: ImageBitmap }>) => {
  const { bitmap } = e.data;
  const { width, height } = bitmap;
  if (!canvas || canvas.width !== width || canvas.height !== height) {
    canvas = new OffscreenCanvas(width, height);
    ctx = canvas.getContext("2d", { willReadFrequently: true });
  }
  ctx!.drawImage(bitmap, 0, 0);
  bitmap.close();
  const grey = toGrey(ctx!.getImageData(0, 0, width, height).data);
  (self as unknown as Worker).postMessage({ grey, width, height }, [grey.buffer]);
};
