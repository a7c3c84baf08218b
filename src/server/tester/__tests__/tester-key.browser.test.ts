import { startLocalServer, type LocalServer } from '../../app'
import { launchChromium, type HeadlessChromium } from '../../../test/chromium'

// The Event Tester against a server that needs its API key: the page asks once and keeps it for the tab's session.
jest.setTimeout(30_000)

const KEY = 'tester-browser-key-0123456789abcdef'
let local: LocalServer
let chromium: HeadlessChromium

beforeAll(async () => {
  local = await startLocalServer({ port: 0, apiKey: KEY })
  chromium = await launchChromium()
  chromium.context.setDefaultTimeout(5_000)
})

afterAll(async () => {
  await chromium?.close()
  await local?.close()
})

it('asks for the key once, then loads, sends and lists prospects with it, also after a reload', async () => {
  const page = await chromium.context.newPage()
  const asked: string[] = []
  page.on('dialog', (dialog) => {
    asked.push(dialog.message())
    void dialog.accept(KEY)
  })
  await page.goto(local.url)
  await page.locator('#mapping .field').first().waitFor({ state: 'attached' })
  await page.locator('#prospects[aria-busy="false"]').waitFor()
  await page.getByRole('group', { name: 'Samples' }).getByRole('button', { name: 'Identify with traits' }).click()
  await page.locator('#send').click()
  await page.locator('#outcome[data-send="1"]').waitFor()
  expect(await page.locator('#outcome h2').innerText()).toBe('Delivered')
  expect(local.sandbox?.prospects().map((p) => p.email)).toEqual(['ann.lee@example.com'])

  await page.reload()
  await page.locator('#mapping .field').first().waitFor({ state: 'attached' })
  expect(asked).toEqual(['This server needs its API key (the operator set PARDOT_SERVER_API_KEY):'])
  expect(await page.evaluate(() => sessionStorage.getItem('pardot-local-server-key'))).toBe(KEY)
  await page.close()
})
