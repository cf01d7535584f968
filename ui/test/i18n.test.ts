import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { has, t } from "../src/i18n";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("texts", () => {
  it("every key the UI names is in the shared catalogue, in both languages", () => {
    const keys = new Set<string>();
    for (const file of sources(join(__dirname, "../src"))) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bt\("([a-z_.]+)"/g)) keys.add(m[1]);
    }
    expect(keys.size).toBeGreaterThan(30);
    const missing = [...keys].filter((k) => !has(k));
    expect(missing).toEqual([]);
    for (const k of keys) {
      expect(t(k, {}, "zh")).not.toEqual(t(k, {}, "en"));
    }
  });

  it("fills placeholders in either language", () => {
    expect(t("app.sync.pending", { n: 3 }, "zh")).toBe("3 条待同步");
    expect(t("app.sync.pending", { n: 3 }, "en")).toBe("3 waiting to sync");
  });
});
