import { SANDBOX_DEFAULTS } from '..'
import { sandboxPerTest } from './harness'

const BU = SANDBOX_DEFAULTS.businessUnitId
const ACTIVITIES = '/api/v5/external-activities'

const current = sandboxPerTest()

const call = (path: string, method: string, body?: unknown, bu: string = BU) =>
  current().call(path, { method, body, bu })

const activity = (fields: Record<string, string> = {}) =>
  call(ACTIVITIES, 'POST', {
    extension: 'Segment_Events',
    type: 'Webinar_Attended',
    value: 'msg-1',
    email: 'ann@example.com',
    ...fields
  })

async function storedActivities() {
  return (await (await fetch(`${current().base}/sandbox/external-activities`)).json()) as Record<string, unknown>[]
}

describe('external activities in the sandbox', () => {
  beforeEach(async () => {
    await call('/api/v5/objects/prospects/do/upsertLatestByEmail', 'POST', {
      matchEmail: 'ann@example.com',
      prospect: {}
    })
  })

  it('records an activity of an active type on the prospect with the email, shown by the admin route', async () => {
    const answer = await activity()
    expect(answer).toMatchObject({
      status: 201,
      body: { extension: 'Segment_Events', type: 'Webinar_Attended', value: 'msg-1', prospectId: 1000 }
    })
    expect(await storedActivities()).toEqual([
      expect.objectContaining({ businessUnitId: BU, email: 'ann@example.com', value: 'msg-1', prospectId: 1000 })
    ])
  })

  it.each([
    [{ extension: 'Nope' }, 228, 'Invalid extension: Nope is not a Marketing App Extension of this business unit'],
    [{ extension: 'Legacy_Webinars', type: 'Registered' }, 228, 'Extension Legacy_Webinars is not active'],
    [{ type: 'Nope' }, 229, 'Invalid type: Nope is not an activity type of extension Segment_Events'],
    [{ type: 'Trial_Started' }, 229, 'Activity type Trial_Started is not active'],
    [{ email: 'Ann@example.com' }, 4, 'Invalid prospect email address'],
    [{ value: '' }, 150, 'value is required']
  ])('refuses %j with code %i', async (fields, code, message) => {
    expect(await activity(fields)).toEqual({ status: 400, body: { code, message } })
    expect(await storedActivities()).toEqual([])
  })

  it('knows an extension only in the business unit it is assigned to', async () => {
    const body = { extension: 'Segment_Events', type: 'Webinar_Attended', value: 'v', email: 'a@example.com' }
    const answer = await call(`/pi.demo.pardot.com${ACTIVITIES}`, 'POST', body, SANDBOX_DEFAULTS.demoBusinessUnitId)
    expect(answer.body).toMatchObject({ code: 228 })
  })

  it('forgets activities on reset', async () => {
    await activity()
    await fetch(`${current().base}/sandbox/reset`, { method: 'POST' })
    expect(await storedActivities()).toEqual([])
  })
})
