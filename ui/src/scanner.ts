// Continuous scanning: a camera (or, on a phone, the system's scanner) and a scan gun that
// types codes as keystrokes, feeding one screen. Each new label is judged by the device
// (`judge_scans`): a short beep and green for a container to take, a loud sound and red for
// one to stop at; the same code twice is ignored; a running count.
import { api } from "./api";
import type { FrameCode, ScanAgainstForm, ScanJudgement } from "./bindings";
import { Camera } from "./camera";
import { h, mount } from "./dom";
import { t } from "./i18n";
import { showError } from "./main";

export interface ScannerOptions {
  /** A name for the test ids: `scanner-<name>`. */
  name: string;
  /** What labels are judged against, asked at each label (the offer may be read later). */
  against?: () => ScanAgainstForm;
  /** A label judged (not called for a repeat); return true to close a one-shot scanner. */
  onLabel?: (j: ScanJudgement) => boolean | void | Promise<boolean | void>;
  /** Another kind of code read (an offer, an identity, an acknowledgement); return true
   * when it was the one wanted, to close a one-shot scanner. */
  onOther?: (code: FrameCode) => boolean | Promise<boolean>;
  /** Close the camera after the first code `onOther` takes. */
  oneShot?: boolean;
}

/** Beeps: short and high for a container to take, long, low and loud for an alarm. */
class Sounds {
  private ctx: AudioContext | null = null;

  wake(): void {
    try {
      this.ctx ??= new AudioContext();
      void this.ctx.resume();
    } catch {
      this.ctx = null;
    }
  }

  play(alarm: boolean): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = alarm ? "square" : "sine";
    osc.frequency.value = alarm ? 220 : 1760;
    gain.gain.value = alarm ? 1.0 : 0.25;
    osc.connect(gain).connect(ctx.destination);
    const now = ctx.currentTime;
    osc.start(now);
    osc.stop(now + (alarm ? 0.6 : 0.08));
  }
}

export function isMobile(): boolean {
  return /Android|iPhone|iPad/i.test(navigator.userAgent);
}

/** The scanning panel: camera preview, scan gun field, flash, count and the last results. */
export function scanner(opts: ScannerOptions): { el: HTMLElement; stop: () => void } {
  const seen = new Set<string>();
  const sounds = new Sounds();
  let count = 0;
  let alarms = 0;
  const video = h("video", { class: "preview", playsinline: true, "data-testid": `camera-${opts.name}` }) as HTMLVideoElement;
  const counter = h("div", { class: "scan-count", "data-testid": `scan-count-${opts.name}` }, t("app.scan.count", { n: 0, alarms: 0 }));
  const results = h("ol", { class: "scan-results", "data-testid": `scan-results-${opts.name}` });
  const note = h("div", { class: "note", "data-testid": `camera-note-${opts.name}` });
  const panel = h("div", { class: "scanner", "data-testid": `scanner-${opts.name}`, "data-frames": "0" });
  let flashTimer = 0;
  const flash = (alarm: boolean) => {
    panel.dataset.flash = alarm ? "alarm" : "ok";
    // When, for the benchmark of a code entering the frame to its flash.
    panel.dataset.flashAt = String(performance.now());
    panel.classList.remove("flash-ok", "flash-alarm");
    panel.classList.add(alarm ? "flash-alarm" : "flash-ok");
    window.clearTimeout(flashTimer);
    flashTimer = window.setTimeout(() => panel.classList.remove("flash-ok", "flash-alarm"), alarm ? 1200 : 300);
    sounds.play(alarm);
  };
  const showCount = () => (counter.textContent = t("app.scan.count", { n: count, alarms }));

  /** One text read by any means, judged once. */
  const take = async (code: FrameCode): Promise<boolean> => {
    if (seen.has(code.text)) return false;
    if (code.kind !== "label") {
      const wanted = (await opts.onOther?.(code)) ?? false;
      if (wanted) {
        seen.add(code.text);
        flash(false);
      }
      return wanted;
    }
    seen.add(code.text);
    const against = opts.against?.() ?? { kind: "nothing", value: "" };
    const [j] = await api.judgeScans([code.text], against);
    count++;
    if (j.alarm) alarms++;
    showCount();
    flash(j.alarm);
    results.prepend(
      h(
        "li",
        { class: j.alarm ? "alarm" : "ok", "data-testid": "scan-item", "data-verdict": j.verdict, "data-code": j.code ?? "" },
        `${j.alarm ? "✗" : "✓"} ${j.code ?? ""} · ${t(`app.scan.verdict.${j.verdict}`)}`,
      ),
    );
    return (await opts.onLabel?.(j)) === true;
  };
  const takeAll = async (codes: FrameCode[]) => {
    for (const c of codes) {
      if ((await take(c)) && opts.oneShot) {
        stop();
        return;
      }
    }
  };

  let camera: Camera | null = null;
  const stop = () => {
    camera?.stop();
    camera = null;
    startBtn.textContent = t("app.scan.camera_start");
    panel.classList.remove("live");
  };
  const startBtn = h(
    "button",
    {
      "data-testid": `camera-start-${opts.name}`,
      onclick: async () => {
        sounds.wake();
        if (camera) return stop();
        if (isMobile()) return void mobileScan();
        if (!Camera.available()) {
          mount(note, t("app.scan.no_camera"));
          return;
        }
        camera = new Camera(
          video,
          (codes) => void takeAll(codes).catch(showError),
          (e) => {
            stop();
            showError(e);
          },
        );
        try {
          await camera.start();
          panel.classList.add("live");
          startBtn.textContent = t("app.scan.camera_stop");
          mount(note);
          const tick = () => {
            if (!camera) return;
            panel.dataset.frames = String(camera.stats.frames);
            panel.dataset.readMs = String(Math.round(camera.stats.readMs));
            panel.dataset.scanMs = String(Math.round(camera.stats.scanMs));
            panel.dataset.shown = String(camera.stats.shown);
            panel.dataset.how = camera.stats.how;
            window.setTimeout(tick, 250);
          };
          tick();
        } catch (e) {
          camera = null;
          mount(note, t("app.scan.camera_failed", { why: e instanceof Error ? e.message : String(e) }));
        }
      },
    },
    t("app.scan.camera_start"),
  );

  /** On a phone: the system's scanner, again after each code when scanning continuously. */
  const mobileScan = async () => {
    try {
      const { scan, Format } = await import("@tauri-apps/plugin-barcode-scanner");
      for (;;) {
        const r = await scan({ formats: [Format.QRCode], windowed: false });
        const [kind] = await api.codeKinds([r.content]);
        const wanted = await take(kind);
        if (opts.oneShot && wanted) return;
      }
    } catch (e) {
      mount(note, t("app.scan.camera_failed", { why: e instanceof Error ? e.message : String(e) }));
    }
  };

  // A scan gun types the code and Enter, faster than a person types: keys that come within
  // 50 ms of each other are one code, wherever the focus is but in another field.
  const gun = h("input", { class: "gun", "data-testid": `scan-gun-${opts.name}`, placeholder: t("app.scan.gun"), autocomplete: "off" }) as HTMLInputElement;
  const submitGun = async (text: string) => {
    text = text.trim();
    if (!text) return;
    const kinds = await api.codeKinds([text]);
    await takeAll(kinds);
  };
  gun.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const text = gun.value;
      gun.value = "";
      void submitGun(text).catch(showError);
    }
  });
  let typed = "";
  let last = 0;
  const onKey = (e: KeyboardEvent) => {
    if (!panel.isConnected) {
      document.removeEventListener("keydown", onKey);
      stop();
      return;
    }
    const target = e.target as HTMLElement | null;
    if (target && target !== document.body && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
    const now = performance.now();
    if (now - last > 50) typed = "";
    last = now;
    if (e.key === "Enter") {
      if (typed.length >= 8) void submitGun(typed).catch(showError);
      typed = "";
    } else if (e.key.length === 1) {
      typed += e.key;
    }
  };
  document.addEventListener("keydown", onKey);

  mount(
    panel,
    h("div", { class: "row" }, startBtn, gun),
    note,
    video,
    counter,
    results,
  );
  return { el: panel, stop };
}
