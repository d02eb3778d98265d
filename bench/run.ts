/**
 * `npm run bench -- NAME [NAME...]` runs bench/NAME.bench.ts; with no name, lists them.
 * Each benchmark module exports `run(): Promise<boolean>` and prints JSON lines
 * (bench/lib.ts); a benchmark returns false when it misses its goal (exit code 1).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

async function main(): Promise<number> {
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort()
  const names = process.argv.slice(2)
  if (names.length === 0) {
    process.stdout.write(`benchmarks: ${available.join(', ')}\nusage: npm run bench -- NAME\n`)
    return 0
  }
  let failed = false
  for (const name of names) {
    if (!available.includes(name)) {
      process.stderr.write(`unknown benchmark ${name}; available: ${available.join(', ')}\n`)
      return 2
    }
    const mod = (await import(join(__dirname, `${name}.bench.ts`))) as { run: () => Promise<boolean | void> }
    if ((await mod.run()) === false) failed = true
  }
  return failed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  },
)
