#!/usr/bin/env node
// Render build/icon.svg into the icons each packaging target needs, with Debian's
// Chromium through Playwright (no native rasteriser dependency):
//   build/icons/<N>x<N>.png  N = 16 … 1024   Linux (AppImage, .deb hicolor theme)
//   build/icon.png           1024 × 1024     generic
//   build/icon.ico           16 … 256        Windows exe, installer, uninstaller (PNG-in-ICO)
// The outputs are committed; run again after editing the SVG: node scripts/icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
const svg = readFileSync(join(root, 'build', 'icon.svg'))

/** An .ico holding PNG images (Windows Vista and later read them). */
export function icoFromPngs(images) {
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2) // icon
  header.writeUInt16LE(images.length, 4)
  const entries = []
  let offset = 6 + 16 * images.length
  for (const { size, png } of images) {
    const e = Buffer.alloc(16)
    e.writeUInt8(size >= 256 ? 0 : size, 0) // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1)
    e.writeUInt8(0, 2) // no palette
    e.writeUInt8(0, 3)
    e.writeUInt16LE(1, 4) // planes
    e.writeUInt16LE(32, 6) // bits per pixel
    e.writeUInt32LE(png.length, 8)
    e.writeUInt32LE(offset, 12)
    offset += png.length
    entries.push(e)
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)])
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 })
    const dataUrl = `data:image/svg+xml;base64,${svg.toString('base64')}`
    const pngs = new Map()
    mkdirSync(join(root, 'build', 'icons'), { recursive: true })
    for (const size of SIZES) {
      await page.setViewportSize({ width: size, height: size })
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img id="i" src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`,
      )
      // runs in the page
      await page.waitForFunction(() => globalThis.document.getElementById('i')?.complete)
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
      pngs.set(size, png)
      writeFileSync(join(root, 'build', 'icons', `${size}x${size}.png`), png)
    }
    writeFileSync(join(root, 'build', 'icon.png'), pngs.get(1024))
    writeFileSync(join(root, 'build', 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))))
    process.stdout.write(`icons: ${SIZES.join(', ')} px PNG, icon.ico (${ICO_SIZES.join(', ')})\n`)
  } finally {
    await browser.close()
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
