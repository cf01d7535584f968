import { describe, expect, it } from "vitest";
import {
  amountValid,
  containerVolume,
  creditCodeValid,
  newContainerProblems,
  wasteCodeValid,
  weightDifference,
} from "../src/validate";

describe("credit code", () => {
  it("accepts codes with the right check character and refuses others", () => {
    expect(creditCodeValid("91350100M000100Y43")).toBe(true);
    expect(creditCodeValid("91130200699229617X")).toBe(true);
    expect(creditCodeValid("91350100M000100Y4A")).toBe(false);
    expect(creditCodeValid("91350100M000100Y4")).toBe(false);
    expect(creditCodeValid("I1350100M000100Y43")).toBe(false);
  });
});

describe("new container", () => {
  it("names each missing or malformed field", () => {
    expect(wasteCodeValid("900-041-49")).toBe(true);
    expect(wasteCodeValid("90004149")).toBe(true);
    expect(wasteCodeValid("900-41-49")).toBe(false);
    expect(amountValid("25.5")).toBe(true);
    expect(amountValid("0")).toBe(false);
    expect(amountValid("abc")).toBe(false);
    const p = newContainerProblems({ waste_code: "x", amount: "", main_components: "", contact: "王", phone: "" });
    expect(Object.keys(p).sort()).toEqual(["amount", "main_components", "phone", "waste_code"]);
    const ok = newContainerProblems({ waste_code: "900-041-49", amount: "25", main_components: "油", contact: "王", phone: "1" });
    expect(ok).toEqual({});
  });
});

describe("weight difference", () => {
  it("flags a difference beyond tolerance only", () => {
    expect(weightDifference(180, 178).beyond).toBe(false);
    expect(weightDifference(180, 150).beyond).toBe(true);
    expect(weightDifference(180, 150).diff).toBe(-30);
    expect(weightDifference(0, 0).beyond).toBe(false);
  });
});

describe("containerVolume", () => {
  it("reads a positive number of litres, and nothing else", () => {
    expect(containerVolume("200")).toBe(200);
    expect(containerVolume(" 1000.5 ")).toBe(1000.5);
    for (const bad of ["0", "-5", "abc", "1e3", ""]) expect(containerVolume(bad)).toBeNull();
  });
  it("is optional on the register form, but checked when given", () => {
    const form = { waste_code: "900-041-49", amount: "5", main_components: "x", contact: "王磊", phone: "1" };
    expect(newContainerProblems(form)).toEqual({});
    expect(newContainerProblems({ ...form, container_volume: "200" })).toEqual({});
    expect(newContainerProblems({ ...form, container_volume: "-1" })).toEqual({
      container_volume: "app.check.container_volume",
    });
  });
});
