import { lang } from "./i18n";

/** A step's time as China's clocks show it (the regulations' dates are China dates). */
export function chinaTime(utc: string, l: "zh" | "en" = lang()): string {
  const d = new Date(utc);
  if (Number.isNaN(d.getTime())) return utc;
  const text = d.toLocaleString(l === "zh" ? "zh-CN" : "en-GB", {
    timeZone: "Asia/Shanghai",
    hour12: false,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return `${text} (UTC+8)`;
}
