// `npm run screenshots`: drives the Event Tester in headless Chromium against a fresh local server and
// writes what it looks like after a successful, a failed, a refused and a delete send into docs/screenshots/.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { startLocalServer } from '../src/server/app'
import { launchChromium } from '../src/test/chromium'
import { scriptOptions } from './flags'

const OUT = join(__dirname, '..', 'docs', 'screenshots')
const WIDTHS = { wide: { width: 1440, height: 900 }, narrow: { width: 390, height: 844 } }

async function send(page: Page, sample: string) {
  await page.getByRole('button', { name: sample, exact: true }).click()
  const before = Number((await page.locator('#outcome').getAttribute('data-send')) ?? 0)
  await page.locator('#send').click()
  await page.locator(`#outcome[data-send="${before + 1}"]`).waitFor()
  // Send comes back only once the prospects below are re-read.
  await page.locator('#send:not([disabled])').waitFor()
}

async function foldMapping(page: Page, folded: boolean) {
  await page.locator('#mapping-card').evaluate((card: HTMLDetailsElement, open) => (card.open = open), !folded)
}

/**
 * The whole page in one picture. On a wide screen the setup column scrolls on its own within the
 * viewport, so a full-page shot alone would clip it: the viewport grows to the page instead.
 */
async function shoot(page: Page, name: string, viewport: { width: number; height: number }) {
  await page.setViewportSize(viewport)
  for (let height = viewport.height; ;) {
    const needed = await page.evaluate(() => document.documentElement.scrollHeight)
    if (needed <= height) break
    height = needed
    await page.setViewportSize({ width: viewport.width, height })
  }
  const path = join(OUT, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  console.log(`wrote ${path}`)
}

async function main() {
  scriptOptions(
    {},
    'npm run screenshots: the Event Tester screenshots in docs/screenshots/ (no flags).',
    () => undefined
  )
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

      // Prospects' mapping is three screens long and not what a success or a failure is about: folded
      // there, unfolded beside the refused send (whose fix is about the mapping) and Delete Prospect.
      await foldMapping(page, true)
      await send(page, 'Identify with an address')
      await send(page, 'Identify with traits')
      await shoot(page, `success-${width}`, viewport)

      await page.locator('#setting-businessUnitID').fill('0Uv000000000002AAA')
      await send(page, 'Track with properties')
      await shoot(page, `failure-${width}`, viewport)

      await page.locator('#setting-businessUnitID').fill('0Uv000000000001AAA')
      // A phone keeps it folded, as the page starts there, so the result is not ten screens down.
      if (width === 'wide') await foldMapping(page, false)
      await send(page, 'Missing email')
      await shoot(page, `refused-${width}`, viewport)

      await page.locator('#action').selectOption('deleteProspect')
      await send(page, 'Identify with an address')
      await shoot(page, `deleted-${width}`, viewport)
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
