import type { Page } from 'playwright-core'
import { startLocalServer, type LocalServer } from '../../app'
import { launchChromium, type HeadlessChromium } from '../../../test/chromium'

// The Event Tester's panel of imports followed after the answer, in real headless Chromium.
jest.setTimeout(30_000)

let local: LocalServer
let chromium: HeadlessChromium
let page: Page

beforeAll(async () => {
  // Imports take longer than the batch's Import Wait, so the batch answers "outcome pending".
  local = await startLocalServer({ port: 0, sandbox: { importDelayMs: 500 }, importFollow: { intervalMs: 50 } })
  chromium = await launchChromium()
  chromium.context.setDefaultTimeout(5_000)
  page = await chromium.context.newPage()
})

afterAll(async () => {
  await chromium?.close()
  await local?.close()
})

it('lists an import followed after the answer with the row Pardot refused', async () => {
  await page.goto(local.url)
  await page.locator('#imports p.empty').waitFor()
  await fetch(`${local.url}/prospects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      payload: [
        { type: 'identify', traits: { email: 'a@example.com' } },
        { type: 'identify', traits: { email: 'b@example.com', title: 'x'.repeat(256) } }
      ],
      mapping: { enable_batching: true, import_wait_seconds: 0.2 },
      useDefaultMappings: true
    })
  })
  for (const end = Date.now() + 10_000; local.imports.list().counts.pending > 0 && Date.now() < end;) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await page.locator('#refresh-imports').click()
  const row = page.locator('#imports tbody tr')
  await row.waitFor()
  expect((await row.locator('td').allInnerTexts()).map((t) => t.trim())).toEqual([
    '1',
    'complete',
    'Complete',
    '2',
    'b@example.com: The value of jobTitle is 256 characters long; at most 255 are allowed'
  ])
})
