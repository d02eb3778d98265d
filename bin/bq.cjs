#!/usr/bin/env node
'use strict'
// The `bq` command. Runs the built CLI bundle (npm run build writes out/main/cli.js).
const path = require('node:path')
const fs = require('node:fs')
const built = path.join(__dirname, '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(built)) {
  process.stderr.write('bq: the CLI is not built yet; run `npm run build` first.\n')
  process.exit(2)
}
require(built)
