// `npm run screenshots`: drives the Event Tester in headless Chromium against a fresh local server and
// writes what it looks like after a successful, a failed and a refused send into docs/screenshots/.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { startLocalServer } from '../src/server/app'
import { launchChromium } from '../src/test/chromium'

const OUT = join(__dirname, '..', 'docs', 'screenshots')
const WIDTHS = { wide: { width: 1440, height: 900 }, narrow: { width: 390, height: 844 } }

async function send(page: Page, sample: string) {
  await page.getByRole('button', { name: sample, exact: true }).click()
  await page.locator('#send').click()
  await page.locator('#outcome').waitFor()
  await page.locator('#send:not([disabled])').waitFor()
}

async function shoot(page: Page, name: string) {
  const path = join(OUT, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  console.log(`wrote ${path}`)
}

async function main() {
  mkdirSync(OUT, { recursive: true })
  const local = await startLocalServer({ port: 0 })
  const chromium = await launchChromium()
  try {
    for (const [width, viewport] of Object.entries(WIDTHS)) {
      await fetch(`${local.url}/sandbox/reset`, { method: 'POST' })
      const page = await chromium.context.newPage()
      await page.setViewportSize(viewport)
      await page.goto(local.url)
      await page.locator('#mapping .field').first().waitFor({ state: 'attached' })

      await send(page, 'Identify with an address')
      await send(page, 'Identify with traits')
      await shoot(page, `success-${width}`)

      await page.locator('#setting-businessUnitID').fill('0Uv000000000002AAA')
      await send(page, 'Track with properties')
      await shoot(page, `failure-${width}`)

      await page.locator('#setting-businessUnitID').fill('0Uv000000000001AAA')
      await send(page, 'Missing email')
      // Beside this failure, the mapping it is about.
      if (width === 'wide') await page.locator('#mapping-card').evaluate((card) => card.scrollIntoView())
      await shoot(page, `refused-${width}`)
      await page.close()
    }
  } finally {
    await chromium.close()
    await local.close()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
