import type { Page } from 'playwright-core'
import { startLocalServer, type LocalServer } from '../../app'
import { launchChromium, type HeadlessChromium } from '../../../test/chromium'

// The Event Tester in real headless Chromium against the running local server and its sandbox.
jest.setTimeout(30_000)

let local: LocalServer
let chromium: HeadlessChromium
let page: Page
let pageErrors: string[]

beforeAll(async () => {
  local = await startLocalServer({ port: 0 })
  chromium = await launchChromium()
  chromium.context.setDefaultTimeout(5_000)
})

afterAll(async () => {
  await chromium?.close()
  await local?.close()
})

beforeEach(async () => {
  await fetch(`${local.url}/sandbox/reset`, { method: 'POST' })
  page = await chromium.context.newPage()
  pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await page.goto(local.url)
  await page.locator('#mapping .field').first().waitFor({ state: 'attached' })
})

afterEach(async () => {
  await page?.close()
  // A script error would leave a half-drawn page; none may happen, whatever was sent. (A failed send's
  // HTTP 400 is logged by Chromium as a console error, so the console is not the measure.)
  expect(pageErrors).toEqual([])
})

const text = (selector: string) => page.locator(selector).innerText()

async function sendSample(name: string) {
  await page.getByRole('button', { name, exact: true }).click()
  await page.locator('#send').click()
  await page.locator('#outcome').waitFor()
  await page.locator('#send:not([disabled])').waitFor()
}

async function stored() {
  return (await (await fetch(`${local.url}/sandbox/prospects`)).json()) as Record<string, unknown>[]
}

it('serves the page and its files with their content types', async () => {
  const types = await Promise.all(
    ['/', '/tester/tester.css', '/tester/tester.js'].map(async (path) =>
      (await fetch(local.url + path)).headers.get('content-type')
    )
  )
  expect(types).toEqual(['text/html; charset=utf-8', 'text/css; charset=utf-8', 'text/javascript; charset=utf-8'])
  expect((await fetch(`${local.url}/tester/index.ts`)).status).toBe(404)
})

it('shows each mapping field with its label, required mark, default and description', async () => {
  expect(await page.locator('#action').inputValue()).toBe('prospects')
  expect(await page.locator('#setting-businessUnitID').inputValue()).toBe('0Uv000000000001AAA')
  const email = page.locator('#mapping .field').filter({ has: page.locator('#map-email') })
  expect(await email.locator('label').innerText()).toBe('Email Address * email')
  expect(await email.locator('.default').innerText()).toBe('Default: traits.email, else properties.email')
  expect(await email.locator('.hint').innerText()).toContain('used to find the prospect to update')
  const other = page.locator('#mapping .field').filter({ has: page.locator('#map-customFields') })
  expect(await other.locator('label').innerText()).toBe('Other Fields customFields')
  await expect(other.getByRole('button', { name: 'Add field' }).count()).resolves.toBe(1)
})

it('sends a sample identify and shows the payload, the request, the answer and the new prospect', async () => {
  await sendSample('Identify with traits')

  expect(await text('#outcome h2')).toBe('Delivered')
  expect(JSON.parse(await text('#payload pre.json'))).toEqual({
    email: 'ann.lee@example.com',
    firstName: 'Ann',
    lastName: 'Lee',
    phone: '+1 415 555 0100',
    company: 'Acme Corp',
    jobTitle: 'CTO',
    secondaryDeletedSearch: true,
    normalizeEmail: false,
    enable_batching: false,
    batch_size: 10000
  })
  expect(await text('#request .line')).toBe(
    `POST ${local.url}/pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail`
  )
  const headers = await text('#request .headers')
  expect(headers).toContain('authorization: Bearer [redacted]')
  expect(headers).toContain('pardot-business-unit-id: 0Uv000000000001AAA')
  expect(JSON.parse(await text('#request pre.json'))).toMatchObject({
    matchEmail: 'ann.lee@example.com',
    prospect: { email: 'ann.lee@example.com', jobTitle: 'CTO' },
    secondaryDeletedSearch: true
  })
  expect(await text('#answer .line')).toBe('HTTP 200')
  const [prospect] = await stored()
  expect(JSON.parse(await text('#answer pre.json'))).toEqual({ id: prospect.id, email: 'ann.lee@example.com' })

  const row = page.locator('#prospects tbody tr')
  await expect(row.count()).resolves.toBe(1)
  expect(await row.getAttribute('class')).toBe('fresh')
  expect(await row.innerText()).toContain('ann.lee@example.com')
  expect(await row.innerText()).toContain('Acme Corp')
})

it('refuses the sample without an email with the validation message and what to fix, sending nothing', async () => {
  await sendSample('Missing email')

  expect(await text('#outcome h2')).toContain('Not delivered (final error)')
  expect(await text('#outcome .message')).toBe("The root value is missing the required field 'email'.")
  expect(await text('#outcome .fix')).toBe(
    'Fix: Email Address is required, and its mapping (traits.email, else properties.email) found nothing in this event. Add it to the event, or map the field to one the event has.'
  )
  expect(await text('#request')).toBe('No request was sent: the event was refused before reaching Pardot.')
  expect(JSON.parse(await text('#payload pre.json'))).toEqual({
    firstName: 'Dan',
    company: 'Initech',
    secondaryDeletedSearch: true,
    normalizeEmail: false,
    enable_batching: false,
    batch_size: 10000
  })
  expect(await text('#prospects')).toBe('The sandbox has no prospects yet.')
  expect(local.sandbox?.stats().totalApiCalls).toBe(0)
})

it('shows an error in the pasted JSON inline and sends nothing', async () => {
  await page.locator('#event').fill('{"type": "identify", "traits": {"email": "a@example.com"},}')

  expect(await text('#event-error')).toMatch(/^The event is not valid JSON: .+/)
  expect(await page.locator('#event').getAttribute('aria-invalid')).toBe('true')
  await page.locator('#send').click()
  expect(await page.locator('#outcome').isHidden()).toBe(true)
  expect(local.sandbox?.stats().totalApiCalls).toBe(0)
  // The rest of the page stays usable: fixing the JSON clears the error.
  await page.locator('#event').fill('{"type": "identify", "traits": {"email": "a@example.com"}}')
  expect(await page.locator('#event-error').isHidden()).toBe(true)

  await page.locator('#event').fill('[]')
  expect(await text('#event-error')).toBe('The event must be a JSON object, or a list of JSON objects.')
})

it("shows Pardot's answer and the fix for a business unit on the wrong host, then lands it with the toggle on", async () => {
  await page.locator('#setting-businessUnitID').fill('0Uv000000000002AAA')
  await sendSample('Identify with an address')

  expect(await text('#outcome .message')).toBe(
    'Pardot answered (code 201, HTTP 400): Business Unit ID specified in Pardot-Business-Unit-Id header not found or inactive.'
  )
  expect(await text('#outcome .fix')).toContain(
    'if this business unit is in a Salesforce sandbox turn on Sandbox Instance'
  )
  expect(await text('#outcome code.chip')).toBe('PARDOT_201')
  expect(await text('#answer .line')).toBe('HTTP 400')
  expect(JSON.parse(await text('#answer pre.json'))).toMatchObject({ code: 201 })

  await page.locator('#setting-isSandbox').check()
  await page.locator('#send').click()
  await page.getByRole('heading', { name: 'Delivered' }).waitFor()
  expect(await text('#request .line')).toContain('/pi.demo.pardot.com/api/v5/')
  expect(await stored()).toEqual([
    expect.objectContaining({ email: 'bo.chen@example.com', businessUnitId: '0Uv000000000002AAA', city: 'Austin' })
  ])
  expect(await text('#prospects tbody')).toContain('bo.chen@example.com')
})

it('sends an edited mapping (a path, a fixed value) and Other Fields', async () => {
  await page.locator('#map-firstName').fill('$.userId')
  await page.locator('#map-lastName').fill('Visitor')
  await page.locator('#map-customFields').getByRole('button', { name: 'Add field' }).click()
  await page.getByLabel('Field name').fill('Plan__c')
  await page.getByLabel('Value').fill('Pro')
  await sendSample('Track with properties')

  expect(JSON.parse(await text('#request pre.json'))).toMatchObject({
    prospect: {
      email: 'cara.diaz@example.com',
      firstName: 'user-1003',
      lastName: 'Visitor',
      company: 'Globex',
      Plan__c: 'Pro'
    }
  })
  expect(JSON.parse(await text('#payload pre.json'))).toMatchObject({ customFields: { Plan__c: 'Pro' } })
  expect(await stored()).toEqual([expect.objectContaining({ email: 'cara.diaz@example.com', Plan__c: 'Pro' })])
  expect(await text('#prospects thead')).toContain('Plan__c')
})
