import nock from 'nock'
import { createTestEvent, createTestIntegration, IntegrationError, type JSONObject } from '@segment/actions-core'
import definition from '../index'
import { auth, BUSINESS_UNIT, PROD_API, settings } from './helpers'

const testDestination = createTestIntegration(definition)
const ACTIVITIES = '/api/v5/external-activities'
const mapping = { extension: 'Segment_Events', type: 'Webinar_Attended' }

function track(event: Parameters<typeof createTestEvent>[0], withMapping: JSONObject = mapping) {
  return testDestination.testAction('externalActivity', {
    event: createTestEvent({
      type: 'track',
      event: 'Webinar Attended',
      messageId: 'msg-1',
      timestamp: '2026-01-31T09:30:00.000Z',
      ...event
    }),
    settings,
    auth,
    mapping: withMapping,
    useDefaultMappings: true
  })
}

function activityScope(status = 201, answer: JSONObject = { id: 1 }) {
  const received: { body?: unknown } = {}
  const scope = nock(PROD_API)
    .post(ACTIVITIES, (body: unknown) => {
      received.body = body
      return true
    })
    .reply(status, answer)
  return { scope, received }
}

describe('Send External Activity: what Pardot receives', () => {
  it('posts extension, type, value (the messageId by default) and the email from properties', async () => {
    const { scope, received } = activityScope()
    const [response] = await track({ traits: undefined, properties: { email: 'ann@example.com' } })
    expect(scope.isDone()).toBe(true)
    expect(response.url).toBe(`${PROD_API}${ACTIVITIES}`)
    expect(received.body).toEqual({
      extension: 'Segment_Events',
      type: 'Webinar_Attended',
      value: 'msg-1',
      email: 'ann@example.com',
      // The event's timestamp (2026-01-31T09:30:00.000Z) in the form Pardot's documentation shows.
      activityDate: '2026-01-31T09:30:00+00:00'
    })
  })

  it('dates the activity when the event happened: the same instant, in whole seconds with a numeric offset', async () => {
    const { received } = activityScope()
    await track({ timestamp: '2026-02-01T08:15:30.999+01:00', properties: { email: 'ann@example.com' } })
    expect(received.body).toMatchObject({ activityDate: '2026-02-01T07:15:30+00:00' })
  })

  it('leaves activityDate out when it is mapped to nothing, so Pardot dates the activity on arrival', async () => {
    const { received } = activityScope()
    await track({ properties: { email: 'ann@example.com' } }, { ...mapping, activityDate: '' })
    expect(received.body).not.toHaveProperty('activityDate')
  })

  it('sends a value of exactly 100 characters as it is', async () => {
    const { scope, received } = activityScope()
    await track({ properties: { email: 'ann@example.com' } }, { ...mapping, value: 'x'.repeat(100) })
    expect(scope.isDone()).toBe(true)
    expect(received.body).toMatchObject({ value: 'x'.repeat(100) })
  })

  it('falls back to context.traits.email when the event has no email of its own', async () => {
    const { received } = activityScope()
    await track({ traits: undefined, properties: {}, context: { traits: { email: 'ctx@example.com' } } })
    expect(received.body).toMatchObject({ email: 'ctx@example.com' })
  })

  it('prefers properties.email over context.traits.email', async () => {
    const { received } = activityScope()
    await track({
      traits: undefined,
      properties: { email: 'prop@example.com' },
      context: { traits: { email: 'ctx@example.com' } }
    })
    expect(received.body).toMatchObject({ email: 'prop@example.com' })
  })

  it('sends a mapped value', async () => {
    const { received } = activityScope()
    await track(
      { properties: { email: 'ann@example.com', webinar: 'Q3 launch' } },
      { ...mapping, value: { '@path': '$.properties.webinar' } }
    )
    expect(received.body).toMatchObject({ value: 'Q3 launch' })
  })
})

describe('Send External Activity: input refused before any request', () => {
  it('refuses an event without an email', async () => {
    const { scope } = activityScope()
    await expect(track({ traits: undefined, properties: {} })).rejects.toThrow(
      "The root value is missing the required field 'email'."
    )
    expect(scope.isDone()).toBe(false)
  })

  it('refuses a missing extension', async () => {
    await expect(track({ properties: { email: 'ann@example.com' } }, { type: 'Webinar_Attended' })).rejects.toThrow(
      "The root value is missing the required field 'extension'."
    )
  })

  it('refuses labels instead of API names, naming both', async () => {
    const { scope } = activityScope()
    await expect(
      track({ properties: { email: 'ann@example.com' } }, { extension: 'Segment Events', type: 'Webinar attended!' })
    ).rejects.toMatchObject({
      status: 400,
      message:
        'Extension "Segment Events" is not an API name: use the DeveloperName from Salesforce Setup → Marketing App Extensions (letters, digits and underscores, starting with a letter, such as Webinar_Attended), not the label. Activity Type "Webinar attended!" is not an API name: use the DeveloperName from Salesforce Setup → Marketing App Extensions (letters, digits and underscores, starting with a letter, such as Webinar_Attended), not the label.'
    })
    expect(scope.isDone()).toBe(false)
  })

  it('refuses a value of 101 characters before any request, saying so', async () => {
    const { scope } = activityScope()
    await expect(
      track({ properties: { email: 'ann@example.com' } }, { ...mapping, value: 'x'.repeat(101) })
    ).rejects.toMatchObject({
      status: 400,
      message: 'Value is 101 characters long; Pardot accepts at most 100. Map a shorter identifier.'
    })
    expect(scope.isDone()).toBe(false)
    nock.cleanAll()
  })

  it('counts UTF-16 units, the safer bound: 50 emoji are sent, 51 refused before any request', async () => {
    const { received } = activityScope()
    await track({ properties: { email: 'ann@example.com' } }, { ...mapping, value: '🎉'.repeat(50) })
    expect(received.body).toMatchObject({ value: '🎉'.repeat(50) })
    const { scope } = activityScope()
    await expect(
      track({ properties: { email: 'ann@example.com' } }, { ...mapping, value: '🎉'.repeat(51) })
    ).rejects.toMatchObject({
      status: 400,
      message:
        'Value is 102 characters long (counted in UTF-16 units: an emoji counts as 2); Pardot accepts at most 100. Map a shorter identifier.'
    })
    expect(scope.isDone()).toBe(false)
    nock.cleanAll()
  })

  it.each([
    ['without an offset', '2026-01-31 09:30'],
    ['on a day the month does not have', '2026-02-30T09:30:00Z'],
    ['at an hour the day does not have', '2026-01-31T24:00:00+00:00'],
    ['in lower case, which ISO-8601 does not allow', '2026-01-31t09:30:00z']
  ])('refuses an activity date %s before any request', async (_, activityDate) => {
    const { scope } = activityScope()
    await expect(
      track({ properties: { email: 'ann@example.com' } }, { ...mapping, activityDate })
    ).rejects.toMatchObject({
      status: 400,
      message: `Activity Date "${activityDate}" is not an ISO-8601 date-time with an offset (such as 2026-01-31T09:30:00Z or 2026-01-31T10:30:00+01:00), the only form Pardot takes. Map the event’s timestamp, or leave it empty to date the activity when Pardot receives it.`
    })
    expect(scope.isDone()).toBe(false)
    nock.cleanAll()
  })
})

describe('Send External Activity: what a Pardot refusal tells the user', () => {
  const fails = (code: number, message: string) => {
    activityScope(400, { code, message })
    return track({ properties: { email: 'ann@example.com' } }).catch((e: unknown) => e)
  }
  const SETUP = 'Salesforce Setup → Marketing App Extensions'

  // Pardot documents no code for these answers: the setup step comes from Pardot's words, whatever the code.
  it('an unregistered extension: create it, add the type, activate both, assign it to the business unit', async () => {
    const error = await fails(
      154,
      'Invalid extension: Segment_Events is not a Marketing App Extension of this business unit'
    )
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).toMatchObject({
      status: 400,
      code: 'PARDOT_154',
      message: `Pardot answered (code 154, HTTP 400): Invalid extension: Segment_Events is not a Marketing App Extension of this business unit. A property in the request is not valid (a name or a value Pardot does not take). In ${SETUP}, create an extension whose API name is "Segment_Events", add the activity type "Webinar_Attended" to it, turn on Active in Automations for both, and assign the extension to business unit ${BUSINESS_UNIT} (activities reach only the business unit the extension is assigned to). Extension must be the extension's API name, not its label.`
    })
  })

  it('an inactive extension: turn on Active in Automations', async () => {
    const error = (await fails(154, 'Extension Segment_Events is not active')) as Error
    expect(error.message).toContain(
      `In ${SETUP}, open the extension "Segment_Events" and turn on Active in Automations (its activity type "Webinar_Attended" must be active too).`
    )
  })

  it('an unregistered activity type, under a code the registry does not have: Pardot’s words, then the step', async () => {
    const error = await fails(229, 'Invalid type: Webinar_Attended is not an activity type of extension Segment_Events')
    expect(error).toMatchObject({ status: 400, code: 'PARDOT_229' })
    expect((error as Error).message).toBe(
      `Pardot answered (code 229, HTTP 400): Invalid type: Webinar_Attended is not an activity type of extension Segment_Events. In ${SETUP}, open the extension "Segment_Events", add an activity type whose API name is "Webinar_Attended" and turn on Active in Automations for it. Type must be the activity type's API name, not its label.`
    )
  })

  it('an inactive activity type: turn on Active in Automations for it', async () => {
    const error = (await fails(154, 'Activity type Webinar_Attended is not active')) as Error
    expect(error.message).toContain(
      `In ${SETUP}, open the extension "Segment_Events", then its activity type "Webinar_Attended", and turn on Active in Automations.`
    )
  })

  it('a 154 about something else: checks the activity’s own fields, not Other Fields', async () => {
    const error = (await fails(154, 'Invalid property in request')) as Error
    expect(error.message).toBe(
      'Pardot answered (code 154, HTTP 400): Invalid property in request. A property in the request is not valid (a name or a value Pardot does not take). Check the mapped Extension and Activity Type (API names), Value (at most 100 characters) and Activity Date (ISO-8601 with an offset).'
    )
  })

  it('gives code 228 no meaning of its own on an external activity (it is an Import API code)', async () => {
    const error = (await fails(228, 'Something else')) as Error
    expect(error.message).toBe('Pardot answered (code 228, HTTP 400): Something else.')
  })

  it('recognises a setup answer by its message when the code is another one', async () => {
    const error = await fails(151, 'Invalid value specified for type: Webinar_Attended')
    expect(error).toMatchObject({ status: 400, code: 'PARDOT_151' })
    expect((error as Error).message).toContain(
      `In ${SETUP}, open the extension "Segment_Events", add an activity type whose API name is "Webinar_Attended"`
    )
  })

  // Bare "type" or "extension" are not enough: these answers are about the request, not the setup.
  it.each([
    [151, 'Unsupported content-type'],
    [154, 'Invalid file extension']
  ])('adds no setup step to code %i "%s", which names neither the extension nor the type', async (code, message) => {
    const error = (await fails(code, message)) as Error
    expect(error.message).not.toContain(SETUP)
    expect(error.message).toMatch(new RegExp(`^Pardot answered \\(code ${code}, HTTP 400\\): ${message}\\.`))
  })

  it('names the extension when Pardot’s words name the mapped extension, whatever else they say', async () => {
    const error = (await fails(154, 'Segment_Events: not found')) as Error
    expect(error.message).toContain(`In ${SETUP}, create an extension whose API name is "Segment_Events"`)
  })

  it('says the prospect must exist when Pardot does not know the email (code 4)', async () => {
    const error = (await fails(4, 'Invalid prospect email address')) as Error
    expect(error.message).toBe(
      'Pardot answered (code 4, HTTP 400): Invalid prospect email address. The email address is not valid. Pardot records an external activity only on an existing prospect and gives this answer too when no prospect has the email: create the prospect first (Upsert Prospect), or map Email Address to the address of an existing prospect.'
    )
  })

  it('keeps other failures as they are: a token error stays a 401', async () => {
    activityScope(401, { code: 184, message: 'access_token is invalid' })
    await expect(track({ properties: { email: 'ann@example.com' } })).rejects.toMatchObject({ status: 401 })
  })
})
