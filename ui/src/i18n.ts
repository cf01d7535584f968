// The app's texts come from the same catalogue as the CLI's (crates/yima-i18n/messages).
import app from "../../crates/yima-i18n/messages/app.json";
import common from "../../crates/yima-i18n/messages/common.json";
import cli from "../../crates/yima-i18n/messages/cli.json";

export type Lang = "zh" | "en";
type Entry = { zh: string; en: string };
const catalogue: Record<string, Entry> = { ...common, ...cli, ...app };

let current: Lang = "zh";

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export function lang(): Lang {
  return current;
}

/** The text of `key` in the current language, `{name}` placeholders filled from `args`. */
export function t(key: string, args: Record<string, string | number> = {}, l: Lang = current): string {
  const entry = catalogue[key];
  if (!entry) return key;
  let text = entry[l];
  for (const [name, value] of Object.entries(args)) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

export function has(key: string): boolean {
  return key in catalogue;
}
