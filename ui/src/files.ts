// Reading QR codes from image files the user picks (photos, or PNGs another device saved).
import { api } from "./api";
import type { ScannedCode } from "./bindings";

/** Every QR code in every file picked in `input`, in order. */
export async function scanFiles(input: HTMLInputElement): Promise<ScannedCode[]> {
  const out: ScannedCode[] = [];
  for (const f of Array.from(input.files ?? [])) {
    out.push(...(await api.scanImage(new Uint8Array(await f.arrayBuffer()))));
  }
  return out;
}

/** The one distinct text of `kind` among `found`, or null when there is none or several. */
export function one(found: ScannedCode[], kind: string): string | null {
  const texts = [...new Set(found.filter((c) => c.kind === kind).map((c) => c.text))];
  return texts.length === 1 ? texts[0] : null;
}

/** The distinct label texts among `found`. */
export function labelTexts(found: ScannedCode[]): string[] {
  return [...new Set(found.filter((c) => c.kind === "label").map((c) => c.text))];
}

/** A data URL showing a base64 PNG. */
export function pngUrl(base64: string): string {
  return `data:image/png;base64,${base64}`;
}
