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

  it('keeps the activityDate it is sent, and dates an activity without one when it arrives', async () => {
    const before = Date.now()
    await activity({ activityDate: '2026-01-31T10:30:00+01:00', value: 'dated' })
    await activity({ value: 'undated' })
    const [dated, undated] = await storedActivities()
    expect(dated).toMatchObject({ value: 'dated', activityDate: '2026-01-31T10:30:00+01:00' })
    expect(Date.parse(undated.activityDate as string)).toBeGreaterThanOrEqual(before - 1000)
  })

  it('takes a value of 100 characters', async () => {
    expect(await activity({ value: 'x'.repeat(100) })).toMatchObject({ status: 201 })
  })

  it.each([
    [{ extension: 'Nope' }, 154, 'Invalid extension: Nope is not a Marketing App Extension of this business unit'],
    [{ extension: 'Legacy_Webinars', type: 'Registered' }, 154, 'Extension Legacy_Webinars is not active'],
    [{ type: 'Nope' }, 154, 'Invalid type: Nope is not an activity type of extension Segment_Events'],
    [{ type: 'Trial_Started' }, 154, 'Activity type Trial_Started is not active'],
    [{ email: 'Ann@example.com' }, 4, 'Invalid prospect email address'],
    [{ value: '' }, 153, 'value is required'],
    [{ value: 'x'.repeat(101) }, 154, 'value must be 100 characters or less'],
    [{ activityDate: '2026-01-31 09:30' }, 154, 'activityDate must be an ISO 8601 date-time with an offset'],
    // Only the documented form (2021-01-01T11:08:00+00:00): fractional seconds and Z are not documented.
    [{ activityDate: '2026-01-31T09:30:00.000Z' }, 154, 'activityDate must be an ISO 8601 date-time with an offset'],
    [{ activityDate: '2026-01-31T09:30:00Z' }, 154, 'activityDate must be an ISO 8601 date-time with an offset'],
    [{ activityDate: '2026-02-30T09:30:00+00:00' }, 154, 'activityDate must be an ISO 8601 date-time with an offset']
  ])('refuses %j with code %i', async (fields, code, message) => {
    expect(await activity(fields)).toEqual({ status: 400, body: { code, message } })
    expect(await storedActivities()).toEqual([])
  })

  it('knows an extension only in the business unit it is assigned to', async () => {
    const body = { extension: 'Segment_Events', type: 'Webinar_Attended', value: 'v', email: 'a@example.com' }
    const answer = await call(`/pi.demo.pardot.com${ACTIVITIES}`, 'POST', body, SANDBOX_DEFAULTS.demoBusinessUnitId)
    expect(answer.body).toEqual({
      code: 154,
      message: 'Invalid extension: Segment_Events is not a Marketing App Extension of this business unit'
    })
  })

  it('forgets activities on reset', async () => {
    await activity()
    await fetch(`${current().base}/sandbox/reset`, { method: 'POST' })
    expect(await storedActivities()).toEqual([])
  })
})
