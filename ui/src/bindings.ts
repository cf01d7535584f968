// Generated from src-tauri/src/dto.rs by `YIMA_UPDATE_BINDINGS=1 cargo test -p yima-app bindings`; do not edit.

export type * from "./bindings/setup";
export type * from "./bindings/containers";
export type * from "./bindings/readings";
export type * from "./bindings/verify";
export type * from "./bindings/handover";
export type * from "./bindings/audit";
