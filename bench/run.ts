/**
 * `npm run bench -- NAME [NAME...]` runs bench/NAME.bench.ts; with no name, lists them.
 * Each benchmark module exports `run(): Promise<void>` and prints JSON lines (bench/lib.ts).
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort()

const names = process.argv.slice(2)
if (names.length === 0) {
  process.stdout.write(`benchmarks: ${available.join(', ')}\nusage: npm run bench -- NAME\n`)
  process.exit(0)
}
let failed = false
for (const name of names) {
  if (!available.includes(name)) {
    process.stderr.write(`unknown benchmark ${name}; available: ${available.join(', ')}\n`)
    process.exit(2)
  }
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
    run: () => Promise<boolean | void>
  }
  const result = await mod.run()
  if (result === false) failed = true
}
process.exit(failed ? 1 : 0)
