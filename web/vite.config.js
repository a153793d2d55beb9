// Vite build for the linli console. `npm run build` writes web/dist (index.html
// plus hashed files under dist/assets/), which the linli server serves, falling
// back to index.html for console routes. `npm run dev` serves the sources with
// hot reload and forwards the API to a running linli (LINLI_URL, default
// http://127.0.0.1:8080).
import { readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const target = process.env.LINLI_URL || 'http://127.0.0.1:8080';
const proxy = Object.fromEntries(['/api', '/metrics', '/open311'].map((p) => [p, { target }]));

// Writes a .gz beside every text asset so the server can send it to browsers
// that accept gzip (a third of the bytes on a phone's connection) without
// compressing per request.
function precompress() {
  let outDir;
  return {
    name: 'linli-precompress',
    apply: 'build',
    configResolved(c) { outDir = c.build.outDir; },
    closeBundle() {
      const walk = (dir) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (/\.(js|css|html|svg|json|map|txt)$/.test(name)) {
            const raw = readFileSync(path);
            if (raw.length < 1024) continue;
            writeFileSync(`${path}.gz`, gzipSync(raw, { level: constants.Z_BEST_COMPRESSION }));
          }
        }
      };
      walk(fileURLToPath(new URL(outDir, new URL('./', import.meta.url))));
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [vue(), precompress()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    // vue-i18n: Composition API only, no devtools hooks in production; the
    // message compiler stays (it evaluates without eval, so the CSP holds).
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  server: { host: '127.0.0.1', port: 5173, proxy },
  preview: { host: '127.0.0.1', port: 4173, proxy },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2020',
    // No inlined data: URLs for scripts; small images may still be inlined
    // (the CSP allows img-src data:).
    assetsInlineLimit: 4096,
  },
});
