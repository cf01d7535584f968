// Typed calls to the app's commands; the types are generated from Rust (bindings.ts).
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  AppError,
  AppStatus,
  CatalogueHit,
  CodeCheck,
  ContainerRow,
  ManifestRow,
  RoadCheckView,
  RoadPassView,
  InitForm,
  LabelPreview,
  NewContainerForm,
  ScaleForm,
  ScaleReadingView,
  ScaleLiveView,
  EnrolForm,
  EnrolmentSeen,
  FrameCode,
  Location,
  RouteRecorded,
  RouteView,
  ScanAgainstForm,
  ScanJudgement,
  GiveForm,
  OfferLabelView,
  QrShown,
  ReceivedOfferView,
  SentOfferView,
  ScannedCode,
  StepForm,
  SyncProgressView,
  SyncSummary,
  TakenView,
  TimelineView,
  VerifySummary,
  BundleSummary,
  AnomalyView,
  AuditChoices,
  AuditCountsView,
  AuditFilterForm,
  AuditPageView,
  AuditTimelineView,
} from "./bindings";
import type { DraftStore } from "./drafts";

export type { AppError };

/** Whether a thrown value is the app's error (with a kind to act on). */
export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

export const api = {
  status: () => invoke<AppStatus>("app_status"),
  setLang: (lang: string) => invoke<AppStatus>("set_lang", { lang }),
  setOperator: (name: string) => invoke<AppStatus>("set_operator", { name }),
  readScale: (form: ScaleForm, onLive: (r: ScaleLiveView) => void) => {
    const live = new Channel<ScaleLiveView>();
    live.onmessage = onLive;
    return invoke<ScaleReadingView>("read_scale", { form, live });
  },
  setLocation: (location: Location) => invoke<AppStatus>("set_location", { location }),
  recordRouteFromSource: () => invoke<RouteRecorded[]>("record_route_from_source"),
  recordRouteFixes: (csv: string) => invoke<RouteRecorded[]>("record_route_fixes", { csv }),
  routes: (code: string) => invoke<RouteView[]>("routes", { code }),
  checkCreditCode: (text: string) => invoke<CodeCheck>("check_credit_code", { text }),
  init: (req: InitForm) => invoke<AppStatus>("init_device", { req }),
  startDemo: (role: string) => invoke<AppStatus>("start_demo", { role }),
  leaveDemo: () => invoke<AppStatus>("leave_demo"),
  searchCatalogue: (text: string) => invoke<CatalogueHit[]>("catalogue_search", { text }),
  register: (req: NewContainerForm) => invoke<ContainerRow>("register_container", { req }),
  containers: () => invoke<ContainerRow[]>("containers"),
  manifests: () => invoke<ManifestRow[]>("manifests"),
  exportManifestPdf: (number: string) => invoke<string>("export_manifest_pdf", { number }),
  roadPass: (number: string, minutes: number | null = null) => invoke<QrShown>("road_pass", { number, minutes }),
  readRoadPass: (text: string) => invoke<RoadPassView>("read_road_pass", { text }),
  checkRoadPass: (text: string) => invoke<RoadCheckView>("check_road_pass", { text }),
  auditChoices: () => invoke<AuditChoices>("audit_choices"),
  auditSearch: (filter: AuditFilterForm, after: string | null, limit: number | null) =>
    invoke<AuditPageView>("audit_search", { filter, after, limit }),
  auditCounts: (filter: AuditFilterForm, by: string) => invoke<AuditCountsView>("audit_counts", { filter, by }),
  auditTimeline: (code: string) => invoke<AuditTimelineView>("audit_timeline", { code }),
  timeline: (code: string) => invoke<TimelineView>("timeline", { code }),
  labelSvg: (code: string, containerVolume: number | null = null) =>
    invoke<LabelPreview>("label_svg", { code, containerVolume }),
  scanImage: (bytes: Uint8Array) => invoke<ScannedCode[]>("scan_image", bytes),
  scanFrame: (grey: Uint8Array, width: number, height: number, frame = 0) =>
    invoke<FrameCode[]>("scan_frame", grey, {
      headers: { "x-width": String(width), "x-height": String(height), "x-frame": String(frame) },
    }),
  codeKinds: (texts: string[]) => invoke<FrameCode[]>("code_kinds", { texts }),
  judgeScans: (texts: string[], against: ScanAgainstForm) => invoke<ScanJudgement[]>("judge_scans", { texts, against }),
  readEnrolmentQr: (bytes: Uint8Array) => invoke<EnrolmentSeen>("read_enrolment_qr", bytes),
  saveLabels: (codes: string[], format: "pdf" | "png") => invoke<string[]>("save_labels", { codes, format }),
  step: (req: StepForm) => invoke<number>("record_step", { req }),
  myIdentity: () => invoke<QrShown>("my_identity_qr"),
  give: (req: GiveForm) => invoke<QrShown>("give_handover", { req }),
  checkOfferLabels: (offer: string, labels: string[]) =>
    invoke<OfferLabelView[]>("check_offer_labels", { offer, labels }),
  take: (offer: string, labels: string[]) => invoke<TakenView>("take_handover", { offer, labels }),
  confirm: (ack: string) => invoke<string>("confirm_handover", { ack }),
  giveOnline: (req: GiveForm) => invoke<SentOfferView>("give_handover_online", { req }),
  sentOffers: () => invoke<SentOfferView[]>("sent_offers"),
  receivedOffers: () => invoke<ReceivedOfferView[]>("received_offers"),
  checkReceivedOfferLabels: (id: string, labels: string[]) =>
    invoke<OfferLabelView[]>("check_received_offer_labels", { id, labels }),
  takeReceivedOffer: (id: string, labels: string[]) => invoke<string>("take_received_offer", { id, labels }),
  enrol: (req: EnrolForm) => invoke<AppStatus>("enrol", { req }),
  sync: (onProgress: (p: SyncProgressView) => void) => {
    const progress = new Channel<SyncProgressView>();
    progress.onmessage = onProgress;
    return invoke<SyncSummary>("sync_now", { progress });
  },
  verify: () => invoke<VerifySummary>("verify_all"),
  anomalies: () => invoke<AnomalyView[]>("anomalies"),
  verifyBundle: (bytes: Uint8Array) => invoke<BundleSummary>("verify_bundle", bytes),
  ledgerCsv: () => invoke<string>("ledger_csv"),
  exportLedger: () => invoke<string>("export_ledger"),
};

export const drafts: DraftStore = {
  save: (form, text) => invoke<void>("save_draft", { form, text }),
  load: (form) => invoke<string | null>("load_draft", { form }),
  clear: (form) => invoke<void>("clear_draft", { form }),
};
