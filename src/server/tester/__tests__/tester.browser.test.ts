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
  await page.locator('#prospects[aria-busy="false"]').waitFor()
})

afterEach(async () => {
  await page?.close()
  // A script error would leave a half-drawn page; none may happen, whatever was sent. (A failed send's
  // HTTP 400 is logged by Chromium as a console error, so the console is not the measure.)
  expect(pageErrors).toEqual([])
})

const text = (selector: string) => page.locator(selector).innerText()

/** Reopens the page at a width; the page folds the mapping by the width it starts at. */
async function openAt(width: number, height = 800) {
  await page.setViewportSize({ width, height })
  await page.reload()
  await page.locator('#mapping .field').first().waitFor({ state: 'attached' })
  await page.locator('#prospects[aria-busy="false"]').waitFor()
}

/**
 * Clicks Send and waits for that send's whole cycle: its own numbered result (not the previous one's),
 * then Send enabled again, which the page does only once the prospects below are re-read.
 */
async function send() {
  const before = Number((await page.locator('#outcome').getAttribute('data-send')) ?? 0)
  await page.locator('#send').click()
  await page.locator(`#outcome[data-send="${before + 1}"]`).waitFor()
  await page.locator('#send:not([disabled])').waitFor()
  expect(await page.locator('#prospects').getAttribute('aria-busy')).toBe('false')
}

async function sendSample(name: string) {
  await page.getByRole('group', { name: 'Samples' }).getByRole('button', { name, exact: true }).click()
  await send()
}

async function stored() {
  return (await (await fetch(`${local.url}/sandbox/prospects`)).json()) as Record<string, unknown>[]
}

it('serves the page and its files with their content types', async () => {
  const typeOf = async (path: string) => (await fetch(local.url + path)).headers.get('content-type')
  expect(await typeOf('/')).toBe('text/html; charset=utf-8')
  expect(await typeOf('/tester/tester.css')).toBe('text/css; charset=utf-8')
  for (const script of ['tester', 'api', 'dom', 'samples', 'mapping', 'results', 'prospects'])
    expect(await typeOf(`/tester/${script}.js`)).toBe('text/javascript; charset=utf-8')
  expect((await fetch(`${local.url}/tester/index.ts`)).status).toBe(404)
  expect((await fetch(`${local.url}/tester/assets.ts`)).status).toBe(404)
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
    import_split_by_fields: false,
    import_wait_seconds: 25,
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
  expect(await row.count()).toBe(1)
  expect(await row.getAttribute('class')).toBe('fresh')
  expect(await row.innerText()).toContain('ann.lee@example.com')
  expect(await row.innerText()).toContain('Acme Corp')
})

it('refuses the sample without an email with the validation message and what to fix, sending nothing', async () => {
  await sendSample('Identify with traits')
  expect(await text('#prospects tbody')).toContain('ann.lee@example.com')
  // Emptied behind the page's back: only a list re-read after the next send can say the sandbox is empty.
  await fetch(`${local.url}/sandbox/reset`, { method: 'POST' })
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
    import_split_by_fields: false,
    import_wait_seconds: 25,
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
    'Pardot answered (code 201, HTTP 400): Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.'
  )
  expect(await text('#outcome .fix')).toContain(
    'if this business unit is in a Salesforce sandbox turn on Sandbox Instance'
  )
  expect(await text('#outcome code.chip')).toBe('PARDOT_201')
  expect(await text('#answer .line')).toBe('HTTP 400')
  expect(JSON.parse(await text('#answer pre.json'))).toMatchObject({ code: 201 })

  await page.locator('#setting-isSandbox').check()
  await send()
  expect(await text('#outcome h2')).toBe('Delivered')
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

it('keeps a phone-width page from widening when a message holds a long unbroken word', async () => {
  await openAt(375)
  await sendSample('Identify with traits')
  const longId = `0Uv${'X'.repeat(60)}`
  await page.locator('#setting-businessUnitID').fill(longId)
  await sendSample('Identify with an address')

  expect(await text('#outcome .message')).toContain(longId)
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const { scrollWidth, clientWidth } = document.documentElement
    return { scrollWidth, clientWidth }
  })
  expect(clientWidth).toBe(375)
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
})

it('keeps Send disabled and the prospects busy until the list is re-read after a send', async () => {
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/sandbox/prospects', async (route) => {
    await held
    await route.continue()
  })
  await page.getByRole('button', { name: 'Identify with traits', exact: true }).click()
  await page.locator('#send').click()
  await page.locator('#outcome[data-send="1"]').waitFor()

  expect(await page.locator('#send').isDisabled()).toBe(true)
  expect(await page.locator('#prospects').getAttribute('aria-busy')).toBe('true')
  expect(await text('#prospects')).toBe('The sandbox has no prospects yet.')
  release()
  await page.locator('#send:not([disabled])').waitFor()
  expect(await page.locator('#prospects').getAttribute('aria-busy')).toBe('false')
  expect(await text('#prospects tbody')).toContain('ann.lee@example.com')
})

it('shows a prospect Delete Prospect removed as deleted, highlighted from the DELETE request URL', async () => {
  await sendSample('Identify with an address')
  await page.locator('#action').selectOption('deleteProspect')
  await send()

  expect(await text('#outcome h2')).toBe('Delivered')
  expect(await text('#outcome p')).toBe(
    'One prospect with this email address moved to the recycle bin: highlighted below and marked deleted.'
  )
  expect(await page.locator('#request .line').allInnerTexts()).toEqual([
    expect.stringMatching(/^GET .*\/objects\/prospects\?.*email=bo.chen%40example.com$/),
    expect.stringMatching(/^DELETE .*\/objects\/prospects\/\d+$/)
  ])
  expect(await page.locator('#answer .exchange').nth(1).locator('.empty').innerText()).toBe('No body.')
  expect((await page.locator('#prospects thead th').allInnerTexts()).slice(0, 2)).toEqual(['email', 'deleted'])
  const row = page.locator('#prospects tbody tr')
  expect(await row.getAttribute('class')).toBe('fresh deleted')
  expect(await row.locator('td').nth(1).innerText()).toBe('yes')
})

it('shows each prospect at phone width as a card of labelled values, who they are first', async () => {
  await openAt(375)
  await sendSample('Identify with traits')

  const row = page.locator('#prospects tbody tr')
  expect(await page.locator('#prospects thead').boundingBox()).toMatchObject({ width: 1, height: 1 })
  const shown = await row.locator('td').evaluateAll((cells) =>
    cells
      .filter((cell) => getComputedStyle(cell).display !== 'none')
      .map((cell) => {
        const box = cell.getBoundingClientRect()
        return { label: cell.dataset.label, value: cell.textContent, fits: box.right <= innerWidth }
      })
  )
  expect(shown.slice(0, 5)).toEqual([
    { label: 'email', value: 'ann.lee@example.com', fits: true },
    { label: 'firstName', value: 'Ann', fits: true },
    { label: 'lastName', value: 'Lee', fits: true },
    { label: 'company', value: 'Acme Corp', fits: true },
    { label: 'jobTitle', value: 'CTO', fits: true }
  ])
  expect(shown.at(-1)).toEqual({ label: 'businessUnitId', value: '0Uv000000000001AAA', fits: true })
  expect(shown.every((cell) => cell.fits)).toBe(true)
})

it('puts the result panels side by side: two at a medium width, three on a wide screen', async () => {
  const tops = () =>
    page.locator('#results > .card').evaluateAll((cards) => cards.map((c) => Math.round(c.getBoundingClientRect().top)))
  await openAt(375)
  const [a, b, c] = await tops()
  expect(a < b && b < c).toBe(true)
  await openAt(1100)
  const [d, e, f] = await tops()
  expect(d === e && e < f).toBe(true)
  await openAt(1440)
  const [g, h, i] = await tops()
  expect(g === h && h === i).toBe(true)
})

it('gives every sample the fields Segment adds, so the Track sample drives Send External Activity', async () => {
  for (const name of ['Identify with traits', 'Identify with an address', 'Track with properties', 'Missing email']) {
    await page.getByRole('button', { name, exact: true }).click()
    const event = JSON.parse(await page.locator('#event').inputValue()) as Record<string, unknown>
    expect(event.messageId).toMatch(/^ajs-next-/)
    expect(event.anonymousId).toMatch(/^[0-9a-f-]{36}$/)
    expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(event.context).toMatchObject({ library: { name: 'analytics.js' } })
  }
  await sendSample('Track with properties')
  const { messageId, timestamp } = JSON.parse(await page.locator('#event').inputValue()) as {
    messageId: string
    timestamp: string
  }
  await page.locator('#action').selectOption('externalActivity')
  await page.locator('#map-extension').fill('Segment_Events')
  await page.locator('#map-type').fill('Webinar_Attended')
  await send()

  expect(await text('#outcome p')).toBe('Pardot recorded the activity on the prospect highlighted below.')
  expect(JSON.parse(await text('#request pre.json'))).toEqual({
    extension: 'Segment_Events',
    type: 'Webinar_Attended',
    value: messageId,
    email: 'cara.diaz@example.com',
    // Dated when the event happened, from the sample's timestamp, in the form Pardot's documentation shows.
    activityDate: timestamp.replace(/\.\d{3}Z$/, '+00:00')
  })
  expect(await page.locator('#prospects tbody tr.fresh').innerText()).toContain('cara.diaz@example.com')
})

it('sends typed text as text, reads only { or [ as JSON, and blocks Send on broken JSON', async () => {
  await page.locator('#map-lastName').fill('1234')
  await page.locator('#map-company').fill('true')
  await page.locator('#map-normalizeEmail').fill('true')
  await page.locator('#map-firstName').fill('{"@path": "$.traits.last_name"')

  expect(await text('#map-firstName-error')).toMatch(
    /^Starts with \{ so it is read as JSON, but it is not valid JSON: /
  )
  expect(await page.locator('#map-firstName').getAttribute('aria-invalid')).toBe('true')
  await page.locator('#send').click()
  expect(await page.locator('#outcome').isHidden()).toBe(true)
  expect(local.sandbox?.stats().totalApiCalls).toBe(0)
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('map-firstName')

  await page.locator('#map-firstName').fill('{"@path": "$.traits.last_name"}')
  expect(await page.locator('#map-firstName-error').isHidden()).toBe(true)
  await send()
  expect(JSON.parse(await text('#payload pre.json'))).toMatchObject({
    firstName: 'Lee',
    lastName: '1234',
    company: 'true',
    normalizeEmail: true
  })
})

it('greys the last results and says they are for the previous send once anything they came from changes', async () => {
  const stale = async () => ({
    note: await page.locator('#stale-note').isVisible(),
    results: await page.locator('#results').getAttribute('class'),
    outcome: await page.locator('#outcome').getAttribute('class')
  })
  await page.locator('#map-lastName').fill('Changed before any send')
  expect((await stale()).note).toBe(false)
  await sendSample('Identify with traits')
  expect(await stale()).toEqual({ note: false, results: 'results', outcome: 'alert ok' })

  const changes = [
    () => page.locator('#event').fill('{"type": "identify", "traits": {"email": "x@example.com"}}'),
    () => page.getByRole('button', { name: 'Missing email', exact: true }).click(),
    () => page.locator('#map-lastName').fill('Other'),
    () => page.locator('#setting-isDeveloperOrg').check(),
    () => page.locator('#action').selectOption('deleteProspect')
  ]
  for (const change of changes) {
    await change()
    expect(await stale()).toEqual({ note: true, results: 'results stale', outcome: 'alert ok stale' })
    expect(await text('#stale-note')).toContain('These results are for the previous send')
    await page.locator('#setting-isDeveloperOrg').uncheck()
    await page.locator('#action').selectOption('prospects')
    await sendSample('Identify with traits')
    expect((await stale()).note).toBe(false)
  }
})

it('says a required field without a default must be mapped, offers its choices, and fixes every missing one', async () => {
  await page.locator('#action').selectOption('externalActivity')
  expect(await page.locator('#map-extension').locator('xpath=..').locator('.default').innerText()).toBe(
    'Required: map it.'
  )
  await sendSample('Track with properties')
  expect(await page.locator('#outcome .fix').allInnerTexts()).toEqual([
    'Fix: Extension is required and not mapped. Map it to a field of the event, or type a fixed value.',
    'Fix: Activity Type is required and not mapped. Map it to a field of the event, or type a fixed value.'
  ])

  await page.locator('#action').selectOption('listMembership')
  const values = (list: string) =>
    page.locator(`#${list} option`).evaluateAll((os) => os.map((o) => o.getAttribute('value')))
  expect(await values('map-operation-choices')).toEqual(['add', 'remove'])
  expect(await page.locator('#map-operation').getAttribute('list')).toBe('map-operation-choices')
  await page.locator('#map-listId').focus()
  await page.locator('#map-listId-choices option').first().waitFor({ state: 'attached' })
  expect(await values('map-listId-choices')).toEqual(['1001', '1002'])

  await page.locator('#map-listId').fill('1001')
  await page.locator('#map-operation').fill('add')
  await sendSample('Identify with traits')
  expect(await text('#outcome p')).toBe('The prospect highlighted below was added to list 1001.')
  expect(await page.locator('#prospects tbody tr.fresh').innerText()).toContain('ann.lee@example.com')
})

it('shows a multipart import body as the text it is', async () => {
  await page.locator('#map-enable_batching').fill('true')
  const event = (email: string) => ({ type: 'identify', traits: { email } })
  await page.locator('#event').fill(JSON.stringify([event('a@example.com'), event('b@example.com')]))
  await send()

  expect(await text('#outcome h2')).toBe('2 events: 2 delivered, 0 not')
  const body = await text('#request pre.text')
  expect(body).toContain('Content-Disposition: form-data; name="file"; filename="prospects.csv"')
  expect(body).toMatch(/\r\na@example.com,a@example.com\r\nb@example.com,b@example.com\r\n/)
})
