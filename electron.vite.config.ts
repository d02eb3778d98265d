import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// pkijs and asn1js are ESM-only: bundle them into the CommonJS main output instead of
// leaving a require() of an ES module to the runtime.
const bundled = ['pkijs', 'asn1js', 'pvtsutils', 'pvutils', 'bytestreamjs', '@noble/hashes', 'exceljs']

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { exclude: bundled },
      rollupOptions: {
        input: {
          // Electron main process
          index: resolve(__dirname, 'src/main/index.ts'),
          // the `bq` command (web host, central store, headless tasks): plain Node
          cli: resolve(__dirname, 'src/cli/bin.ts'),
          // Excel exports run in a worker thread (src/main/reports/exporter.ts)
          'export-worker': resolve(__dirname, 'src/main/reports/export-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // sandboxed preloads must be CommonJS
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
      chunkSizeWarningLimit: 4000,
    },
    plugins: [react()],
  },
})
