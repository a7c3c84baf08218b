import { startLocalServer, type LocalServer } from '../app'
import type { DeliveryReport } from '../deliver'
import { SANDBOX_DEFAULTS } from '../../sandbox'

let local: LocalServer

beforeEach(async () => {
  local = await startLocalServer({ port: 0, sandbox: { importDelayMs: 30 } })
})

afterEach(async () => {
  await local.close()
})

type Traits = Record<string, unknown>
const identify = (traits: Traits) => ({ type: 'identify', userId: 'u1', traits })
// 2 s of Import Wait: the first poll comes after 160 ms, once the sandbox's 30 ms import has ended.
const batching = { enable_batching: true, batch_size: 1000, import_wait_seconds: 2 }

async function send(events: Traits[], batched: boolean, mapping: Record<string, unknown> = {}) {
  const res = await fetch(`${local.url}/prospects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      payload: events.map(identify),
      mapping: { ...(batched ? batching : { enable_batching: false }), ...mapping },
      useDefaultMappings: true
    })
  })
  return (await res.json()) as DeliveryReport
}

const prospects = () => local.sandbox?.prospects(SANDBOX_DEFAULTS.businessUnitId) ?? []
const calls = () => local.sandbox?.stats().calls ?? {}

/** Whether event `i` carries optional trait `t`: about 70% of the time, the same in every run. */
const has = (i: number, t: number) => (i * 7 + t * 13) % 10 < 7

describe('200 events with uneven traits', () => {
  it('make one import, and no blank cell clears a field', async () => {
    const full = { first_name: 'Ann', last_name: 'Lee', company: 'Acme', title: 'CTO', phone: '555' }
    const emails = Array.from({ length: 200 }, (_, i) => `user${i}@example.com`)
    expect(
      (
        await send(
          emails.map((email) => ({ email, ...full })),
          false
        )
      ).ok
    ).toBe(true)
    const names = Object.keys(full)
    const uneven = emails.map((email, i) => ({
      email,
      ...Object.fromEntries(names.filter((_, t) => has(i, t)).map((name) => [name, `${name} ${i}`]))
    }))
    const importsBefore = calls()['POST /api/v5/imports'] ?? 0
    const report = await send(uneven, true)
    expect(report.events?.every((e) => e.ok)).toBe(true)
    expect((calls()['POST /api/v5/imports'] ?? 0) - importsBefore).toBe(1)
    const fields = {
      first_name: 'firstName',
      last_name: 'lastName',
      company: 'company',
      title: 'jobTitle',
      phone: 'phone'
    }
    for (const [i, prospect] of prospects().entries()) {
      for (const [t, name] of names.entries()) {
        const expected = has(i, t) ? `${name} ${i}` : full[name as keyof typeof full]
        expect([prospect.email, name, prospect[fields[name as keyof typeof fields]]]).toEqual([
          `user${i}@example.com`,
          name,
          expected
        ])
      }
    }
  }, 30_000)
})

describe('an import that completes with refused rows', () => {
  it('fails exactly those events, with Pardot’s reason, and the others land', async () => {
    const report = await send(
      [
        { email: 'a@example.com', title: 'CTO' },
        { email: 'b@example.com', title: 'x'.repeat(300) },
        { email: 'c@example.com', title: 'CEO' }
      ],
      true
    )
    expect(report.events?.map((e) => [e.ok, e.status])).toEqual([
      [true, 200],
      [false, 400],
      [true, 200]
    ])
    expect(report.events?.[1].error).toMatchObject({
      retryable: false,
      message:
        "Pardot refused this event's row in import 1: The value of jobTitle is 300 characters long; at most 255 are allowed."
    })
    expect(prospects().map((p) => p.email)).toEqual(['a@example.com', 'c@example.com'])
  })
})

describe('an import that ends Failed', () => {
  it('fails every one of its events, retryable, and the server retries them in a new import', async () => {
    local.sandbox?.configure({ faults: { rateImportFailed: 1 } })
    const report = await send([{ email: 'a@example.com' }, { email: 'b@example.com' }], true)
    expect(report.events?.map((e) => [e.ok, e.error?.retryable])).toEqual([
      [false, true],
      [false, true]
    ])
    expect(report.events?.[0].error?.message).toMatch(/^Pardot import \d+ ended Failed, so none of its rows/)
    expect(calls()['POST /api/v5/imports']).toBeGreaterThan(1)
    expect(prospects()).toEqual([])
  }, 20_000)
})

describe('a Pardot that wants a campaign for new prospects', () => {
  beforeEach(() => local.sandbox?.configure({ importsRequireCampaign: true }))

  it('gets an error that names the field to map, and takes the batch once it is mapped', async () => {
    const refused = await send([{ email: 'a@example.com' }], true)
    expect(refused.events?.[0].error?.message).toContain(
      'map the Campaign ID (batching) field (campaignId) to the ID of a Pardot campaign'
    )
    const mapped = await send([{ email: 'a@example.com' }], true, { campaignId: 42 })
    expect(mapped.events?.[0].ok).toBe(true)
    expect(prospects()).toEqual([expect.objectContaining({ email: 'a@example.com', campaignId: 42 })])
  })
})

describe('prospects in the recycle bin', () => {
  /** The sandbox's prospects after `events` go to a fresh sandbox holding deleted ones, one by one or batched. */
  async function after(batched: boolean, restore: boolean) {
    local.sandbox?.state.reset()
    await send([{ email: 'gone@example.com', first_name: 'Old' }], false)
    const [{ id }] = prospects()
    const stored = local.sandbox?.state.prospects.get(id)
    if (stored) stored.isDeleted = true
    const report = await send([{ email: 'gone@example.com', first_name: 'New', restore }], batched, {
      secondaryDeletedSearch: { '@path': '$.traits.restore' }
    })
    expect(report.ok).toBe(true)
    return prospects().map(({ id: _id, businessUnitId: _bu, createdAt: _c, updatedAt: _u, ...rest }) => rest)
  }

  it.each([
    ['off', false],
    ['on', true]
  ])('end the same in single and batch mode with Search Deleted Prospects %s', async (_, restore) => {
    const single = await after(false, restore)
    const batch = await after(true, restore)
    expect(batch).toEqual(single)
    expect(single.filter((p) => !p.isDeleted)).toHaveLength(1)
  })
})
