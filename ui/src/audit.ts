// The audit screen's pure parts: the filter from what was typed, the page size, the pages
// kept as "more" loads them, and what an error of the registry's audit means for the user.
import type { AppError, AuditFilterForm, AuditPageView, AuditRowView } from "./bindings";

/** The fields of the filter, in the order the form shows those it shows. */
export const FILTER_FIELDS = [
  "plate",
  "manifest",
  "code",
  "producer",
  "waste",
  "category",
  "state",
  "since",
  "until",
  "org",
  "carrier",
  "division",
] as const satisfies readonly (keyof AuditFilterForm)[];

/** A filter with every field empty (not given). */
export function emptyFilter(): AuditFilterForm {
  return Object.fromEntries(FILTER_FIELDS.map((f) => [f, ""])) as AuditFilterForm;
}

/** The filter from the values typed, trimmed; a field not typed is not given. */
export function filterFrom(values: Partial<Record<keyof AuditFilterForm, string>>): AuditFilterForm {
  const filter = emptyFilter();
  for (const f of FILTER_FIELDS) filter[f] = (values[f] ?? "").trim();
  return filter;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** The page size typed: a whole number from 1 to 500, else the default. */
export function pageLimit(text: string): number {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 1 && n <= MAX_PAGE ? n : DEFAULT_PAGE;
}

/** The rows shown once `page` is added to `shown` (a container already shown is not shown twice). */
export function withPage(shown: AuditRowView[], page: AuditPageView): AuditRowView[] {
  const seen = new Set(shown.map((r) => r.code));
  return [...shown, ...page.containers.filter((r) => !seen.has(r.code))];
}

/** The text key saying what an audit error means when its kind calls for a plain sentence
 * (no registry, or none reachable); `null` when the error's own message says it best. */
export function auditErrorKey(e: AppError): string | null {
  if (e.kind === "not_enrolled" || e.kind === "sync_not_enrolled") return "app.audit.not_enrolled";
  if (e.kind === "sync_unreachable") return "app.audit.offline";
  return null;
}

/** The text key of a grouping's name. */
export const groupKey = (by: string): string => `app.audit.by.${by}`;
