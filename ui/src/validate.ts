// Checks the UI makes before it calls the device (the device checks again; these only say
// sooner what is missing).

export type Problems = Record<string, string>;

/** GB 32100: 18 characters, the last a check character over the first 17. */
export function creditCodeValid(text: string): boolean {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const code = text.trim();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(code[i]) * weights[i];
  return alphabet[(31 - (sum % 31)) % 31] === code[17];
}

export function wasteCodeValid(text: string): boolean {
  return /^\d{3}-\d{3}-\d{2}$/.test(text.trim()) || /^\d{8}$/.test(text.trim());
}

export function amountValid(text: string): boolean {
  const t = text.trim();
  return /^\d+(\.\d{1,3})?$/.test(t) && Number(t) > 0;
}

/** Which fields of a new container are missing or malformed (keys of the app catalogue). */
export function newContainerProblems(f: Record<string, string>): Problems {
  const p: Problems = {};
  if (!wasteCodeValid(f.waste_code ?? "")) p.waste_code = "app.check.waste_code";
  if (!amountValid(f.amount ?? "")) p.amount = "app.check.amount";
  for (const field of ["main_components", "contact", "phone"]) {
    if (!(f[field] ?? "").trim()) p[field] = "app.check.required";
  }
  const volume = (f.container_volume ?? "").trim();
  if (volume && containerVolume(volume) === null) p.container_volume = "app.check.container_volume";
  return p;
}

/** The container's volume in litres as typed (it chooses the label's size), or `null`
 * when it is not a positive number; empty means not given. */
export function containerVolume(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const litres = Number(t);
  return litres > 0 ? litres : null;
}

/** The difference between a declared and a measured weight, and whether it is beyond
 * tolerance (a share of the declared weight). */
export function weightDifference(declared: number, measured: number, tolerance = 0.05) {
  const diff = measured - declared;
  const share = declared > 0 ? Math.abs(diff) / declared : measured > 0 ? 1 : 0;
  return { diff, share, beyond: share > tolerance };
}
