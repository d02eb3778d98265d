// Entry point of the `bq` command: bundled as out/main/cli.js, run by tests through tsx.
import { main } from './index'
import { printError } from './output'

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    printError(err)
    process.exitCode = 1
  },
)
