import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const COMPRESSIBLE = /\.(?:js|css|html|svg|json)$/;

/**
 * Writes a Brotli (.br) and a gzip (.gz) copy beside every text file of the
 * build, at the strongest settings (the work is done once, here, not per
 * request). keyhouse serves them with @fastify/static's `preCompressed` when
 * the browser accepts them (src/http/console.ts, docs/console.md).
 */
function precompress(): Plugin {
  let outDir = "";
  return {
    name: "keyhouse-precompress",
    apply: "build",
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? walk(join(dir, entry.name)) : COMPRESSIBLE.test(entry.name) ? [join(dir, entry.name)] : [],
        );
      for (const file of walk(outDir)) {
        const bytes = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

// The console is served by keyhouse itself under a strict CSP: every script and
// stylesheet must be an external file on this origin, nothing inlined.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react(), precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
