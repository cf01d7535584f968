import { defineConfig } from "vitest/config";

// The app's web view loads the built files from ui/dist (Tauri's frontendDist); the JSON
// message catalogue is read from crates/yima-i18n, one level up.
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true, fs: { allow: [".."] } },
  build: { target: "safari15", outDir: "dist", emptyOutDir: true },
  test: { environment: "node", include: ["test/**/*.test.ts"] },
});
