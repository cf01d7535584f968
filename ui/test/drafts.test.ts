import { describe, expect, it } from "vitest";
import { Draft, type DraftStore } from "../src/drafts";

function memory(): DraftStore & { kept: Map<string, string>; writes: string[] } {
  const kept = new Map<string, string>();
  const writes: string[] = [];
  return {
    kept,
    writes,
    save: async (form, text) => {
      writes.push(text);
      kept.set(form, text);
    },
    load: async (form) => kept.get(form) ?? null,
    clear: async (form) => {
      kept.delete(form);
    },
  };
}

describe("drafts", () => {
  it("keeps every change, restores it after a restart, and forgets it once done", async () => {
    const store = memory();
    const first = new Draft(store, "register", { weight: "", unit: "kg" });
    await first.set("weight", "1");
    await first.set("weight", "18");
    expect(JSON.parse(store.kept.get("register")!)).toEqual({ weight: "18", unit: "kg" });
    // The app is killed; a new form over the same store shows what was typed.
    const again = new Draft(store, "register", { weight: "", unit: "kg" });
    expect(await again.restore()).toEqual({ weight: "18", unit: "kg" });
    await again.done();
    expect(store.kept.has("register")).toBe(false);
  });

  it("saves in order even when saves are slow, and ignores a broken draft", async () => {
    const store = memory();
    const slow: DraftStore = {
      ...store,
      save: (form, text) => new Promise((ok) => setTimeout(() => ok(store.save(form, text)), 5)),
    };
    const d = new Draft(slow, "f", { a: "" });
    void d.set("a", "1");
    await d.set("a", "12");
    expect(store.writes.map((w) => JSON.parse(w).a)).toEqual(["1", "12"]);
    store.kept.set("g", "{not json");
    expect(await new Draft(store, "g", { a: "x" }).restore()).toEqual({ a: "x" });
  });
});
