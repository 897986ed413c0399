import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The app reads its API address and sign-in settings from /config.json at run time, so one build serves
// the local stack and every deployed stage alike.
export default defineConfig({
  plugins: [preact()],
  build: { target: "es2022", sourcemap: false, reportCompressedSize: true },
});
