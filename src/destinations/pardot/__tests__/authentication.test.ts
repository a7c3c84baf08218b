import nock from 'nock'
import {
  createTestEvent,
  createTestIntegration,
  Destination,
  InvalidAuthenticationError,
  RetryableError,
  type JSONObject
} from '@segment/actions-core'
import definition from '../index'
import type { Settings } from '../generated-types'
import { auth, BUSINESS_UNIT, DEMO_API, PROD_API, settings, UPSERT, upsertScope } from './helpers'

const testDestination = createTestIntegration(definition)
const oauth = {
  accessToken: 'old-access',
  refreshToken: 'refresh-SECRET-1',
  clientId: 'client-id',
  clientSecret: 'client-SECRET-2'
}
const PROBE = '/api/v5/objects/prospects?fields=id&limit=1'

const hostCases: [string, Partial<Settings>, string, string][] = [
  ['production', {}, PROD_API, 'https://login.salesforce.com'],
  ['a sandbox', { isSandbox: true }, DEMO_API, 'https://test.salesforce.com'],
  ['a developer org', { isDeveloperOrg: true }, DEMO_API, 'https://login.salesforce.com']
]

describe('hosts', () => {
  it.each(hostCases)('sends the upsert for %s to the right API host', async (_, toggles, api) => {
    const { scope } = upsertScope(api)
    await testDestination.testAction('prospects', {
      event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
      settings: { ...settings, ...toggles },
      auth,
      useDefaultMappings: true
    })
    expect(scope.isDone()).toBe(true)
  })

  it.each(hostCases)('refreshes the token for %s at the right login host', async (_, toggles, __, login) => {
    const scope = nock(login).post('/services/oauth2/token').reply(200, { access_token: 'new-access' })
    await testDestination.refreshAccessToken({ ...settings, ...toggles }, oauth)
    expect(scope.isDone()).toBe(true)
  })

  it.each(hostCases)('tests authentication for %s on the right API host', async (_, toggles, api) => {
    const scope = nock(api).get(PROBE).reply(200, { values: [] })
    await testDestination.testAuthentication({ ...settings, ...toggles })
    expect(scope.isDone()).toBe(true)
  })
})

describe('settings are checked before any request', () => {
  const bad: [string, Partial<Settings>, string][] = [
    ['an empty business unit id', { businessUnitID: '' }, 'The Pardot Business Unit ID setting is empty.'],
    ['an id not starting with 0Uv', { businessUnitID: '001000000000001AAA' }, 'it must start with 0Uv'],
    [
      'a 15-character id',
      { businessUnitID: '0Uv000000000001' },
      'this is the 15-character form; use the 18-character ID'
    ],
    ['an id of the wrong length', { businessUnitID: '0Uv0000000001' }, 'it must be 18 characters long, not 13'],
    ['an id with other characters', { businessUnitID: '0Uv00000000000-AAA' }, 'it may contain only letters and digits'],
    // No header can carry a line break: without the check the request library would fail first, quoting the value.
    [
      'an id with a line break in it',
      { businessUnitID: '0Uv00000000\r\n01AAA' },
      'it may contain only letters and digits'
    ],
    [
      'both toggles on',
      { isSandbox: true, isDeveloperOrg: true },
      'Sandbox Instance and Developer Org are both on; turn on at most one.'
    ]
  ]

  it.each(bad)('refuses %s in the action', async (_, change, message) => {
    const { scope } = upsertScope()
    const demo = upsertScope(DEMO_API).scope
    await expect(
      testDestination.testAction('prospects', {
        event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
        settings: { ...settings, ...change },
        auth,
        useDefaultMappings: true
      })
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining(message) as string })
    expect(scope.isDone() || demo.isDone()).toBe(false)
  })

  it.each(bad)('refuses %s in testAuthentication', async (_, change, message) => {
    const scope = nock(PROD_API).get(PROBE).reply(200, {})
    await expect(testDestination.testAuthentication({ ...settings, ...change })).rejects.toThrow(message)
    expect(scope.isDone()).toBe(false)
  })

  it('accepts a business unit id pasted with spaces, and sends it trimmed', async () => {
    const { scope, received } = upsertScope()
    await testDestination.testAction('prospects', {
      event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
      settings: { ...settings, businessUnitID: ` ${BUSINESS_UNIT} ` },
      auth,
      useDefaultMappings: true
    })
    expect(scope.isDone()).toBe(true)
    expect(received.headers?.['pardot-business-unit-id']).toBe(BUSINESS_UNIT)
  })

  it('works without the optional accountID', async () => {
    const { scope } = upsertScope()
    await testDestination.testAction('prospects', {
      event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
      settings: { businessUnitID: BUSINESS_UNIT },
      auth,
      useDefaultMappings: true
    })
    expect(scope.isDone()).toBe(true)
  })
})

describe('testAuthentication', () => {
  it('passes on a successful read, sending token and business unit', async () => {
    const scope = nock(PROD_API, {
      reqheaders: { authorization: 'Bearer tok', 'pardot-business-unit-id': BUSINESS_UNIT }
    })
      .get(PROBE)
      .reply(200, { values: [] })
    await testDestination.testAuthentication({ ...settings, oauth: { access_token: 'tok' } } as Settings)
    expect(scope.isDone()).toBe(true)
  })

  it('says which host was used and which toggle to try when the business unit is not found', async () => {
    nock(PROD_API).get(PROBE).reply(400, { code: 201, message: 'Business Unit ID not found or inactive' })
    await expect(testDestination.testAuthentication(settings)).rejects.toThrow(
      `Pardot did not find business unit ${BUSINESS_UNIT} at https://pi.pardot.com, or it is inactive. Requests go to the production host; if this business unit is in a Salesforce sandbox turn on Sandbox Instance, and if it is an Account Engagement developer org turn on Developer Org.`
    )
  })

  it('suggests turning the developer-org toggle off when the demo host does not know the business unit', async () => {
    nock(DEMO_API).get(PROBE).reply(400, { code: 201, message: 'Business Unit ID not found or inactive' })
    await expect(testDestination.testAuthentication({ ...settings, isDeveloperOrg: true })).rejects.toThrow(
      'Developer Org is on, so requests go to the demo host; if this business unit is in a production org, turn Developer Org off.'
    )
  })

  it('explains an invalid token or a missing pardot_api scope', async () => {
    nock(PROD_API).get(PROBE).reply(401, { code: 184, message: 'access_token is invalid, unknown, or malformed' })
    await expect(testDestination.testAuthentication(settings)).rejects.toThrow(
      'Pardot answered (code 184, HTTP 401): access_token is invalid, unknown, or malformed. The access token is invalid, unknown or expired, or the connected app lacks the pardot_api scope. If refreshing the token does not help, reconnect the destination with a connected app that has the pardot_api and refresh_token scopes.'
    )
  })

  it('explains a user without access to the business unit', async () => {
    nock(PROD_API).get(PROBE).reply(403, { code: 49, message: 'Access Denied' })
    await expect(testDestination.testAuthentication(settings)).rejects.toThrow(
      'Reconnect with a Salesforce user who has Account Engagement access to this business unit.'
    )
  })
})

describe('refreshAccessToken', () => {
  const TOKEN = '/services/oauth2/token'

  it('sends the form-encoded refresh_token grant and returns the new token', async () => {
    let form: URLSearchParams | undefined
    let contentType: string | undefined
    nock('https://login.salesforce.com')
      .post(TOKEN, (body: string) => {
        form = new URLSearchParams(body)
        return true
      })
      .reply(function () {
        contentType = String(this.req.headers['content-type'])
        return [200, { access_token: 'new-access', instance_url: 'https://x.my.salesforce.com' }]
      })
    await expect(testDestination.refreshAccessToken(settings, oauth)).resolves.toEqual({ accessToken: 'new-access' })
    expect(Object.fromEntries(form ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-SECRET-1',
      client_id: 'client-id',
      client_secret: 'client-SECRET-2'
    })
    expect(contentType).toContain('application/x-www-form-urlencoded')
  })

  it('returns a rotated refresh token', async () => {
    nock('https://login.salesforce.com').post(TOKEN).reply(200, { access_token: 'a2', refresh_token: 'r2' })
    await expect(testDestination.refreshAccessToken(settings, oauth)).resolves.toEqual({
      accessToken: 'a2',
      refreshToken: 'r2'
    })
  })

  it.each(['expired authorization code', 'token request is already being processed'])(
    'retries the concurrent-refresh answer "%s"',
    async (description) => {
      nock('https://login.salesforce.com')
        .post(TOKEN)
        .reply(400, { error: 'invalid_grant', error_description: description })
      const error = await testDestination.refreshAccessToken(settings, oauth).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RetryableError)
      expect((error as Error).message).toContain('Another request is refreshing the same token at this moment')
    }
  )

  it('fails finally on any other invalid_grant, quoting Salesforce', async () => {
    nock('https://login.salesforce.com')
      .post(TOKEN)
      .reply(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' })
    const error = await testDestination.refreshAccessToken(settings, oauth).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect(error).toMatchObject({
      code: 'REFRESH_TOKEN_EXPIRED',
      message:
        'Salesforce (https://login.salesforce.com) refused to refresh the access token: invalid_grant ("expired access/refresh token"). The refresh token has expired or was revoked, or the user lost access: reconnect the destination.'
    })
  })

  it('points at the connected app on invalid_client', async () => {
    nock('https://login.salesforce.com')
      .post(TOKEN)
      .reply(400, { error: 'invalid_client', error_description: 'invalid client credentials' })
    await expect(testDestination.refreshAccessToken(settings, oauth)).rejects.toMatchObject({
      code: 'OAUTH_REFRESH_FAILED',
      message: expect.stringContaining("Check the connected app's consumer key and secret") as string
    })
  })

  it('retries when Salesforce login is down', async () => {
    nock('https://login.salesforce.com').post(TOKEN).reply(503, 'unavailable')
    await expect(testDestination.refreshAccessToken(settings, oauth)).rejects.toBeInstanceOf(RetryableError)
  })

  it('retries when Salesforce login gives no answer', async () => {
    nock('https://login.salesforce.com').post(TOKEN).replyWithError('connect ECONNREFUSED')
    await expect(testDestination.refreshAccessToken(settings, oauth)).rejects.toBeInstanceOf(RetryableError)
  })

  it('fails finally on a success answer without an access token', async () => {
    nock('https://login.salesforce.com').post(TOKEN).reply(200, {})
    await expect(testDestination.refreshAccessToken(settings, oauth)).rejects.toMatchObject({
      code: 'OAUTH_REFRESH_FAILED'
    })
  })

  it('never repeats a secret Salesforce echoes back', async () => {
    nock('https://login.salesforce.com').post(TOKEN).reply(400, {
      error: 'invalid_grant',
      error_description: 'bad token refresh-SECRET-1 for client-SECRET-2 after old-access'
    })
    const error = await testDestination.refreshAccessToken(settings, oauth).catch((e: unknown) => e)
    expect((error as Error).message).toContain('bad token [redacted] for [redacted] after [redacted]')
    expect((error as Error).message).not.toMatch(/SECRET|old-access/)
  })

  it('sends no "Bearer undefined" to the login host', async () => {
    let authorization: unknown = 'not seen'
    nock('https://login.salesforce.com')
      .post(TOKEN)
      .reply(function () {
        authorization = this.req.headers.authorization
        return [200, { access_token: 'a' }]
      })
    await testDestination.refreshAccessToken(settings, oauth)
    expect(authorization).toBeUndefined()
  })
})

describe('a 401 from Pardot refreshes the token and retries, through Destination.onEvent', () => {
  const event = createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } })
  const mapping = testDestination.definition.presets?.[0].mapping as JSONObject
  const subscription = { subscribe: 'type = "identify"', partnerAction: 'prospects', mapping }
  const oauthSettings = () => ({
    access_token: 'old-access',
    refresh_token: 'refresh-SECRET-1',
    clientId: 'client-id',
    clientSecret: 'client-SECRET-2'
  })

  it('delivers the event with the new token', async () => {
    const destination = new Destination(definition)
    const seenTokens: string[] = []
    nock(PROD_API)
      .post(UPSERT)
      .times(2)
      .reply(function () {
        const token = String(this.req.headers.authorization)
        seenTokens.push(token)
        return token === 'Bearer new-access'
          ? [201, { id: 1 }]
          : [401, { code: 184, message: 'access_token is invalid, unknown, or malformed: Inactive token' }]
      })
    const refresh = nock('https://login.salesforce.com')
      .post('/services/oauth2/token')
      .reply(200, { access_token: 'new-access' })
    const onTokenRefresh = jest.fn(() => Promise.resolve())

    await destination.onEvent(
      event,
      { ...settings, subscription, oauth: oauthSettings() },
      {
        onTokenRefresh
      }
    )

    expect(seenTokens).toEqual(['Bearer old-access', 'Bearer new-access'])
    expect(refresh.isDone()).toBe(true)
    expect(onTokenRefresh).toHaveBeenCalledWith({ accessToken: 'new-access' })
  })

  it('replaces a token no header can carry (a line break in it) instead of failing before any request', async () => {
    const destination = new Destination(definition)
    const seenTokens: (string | undefined)[] = []
    nock(PROD_API)
      .post(UPSERT)
      .times(2)
      .reply(function () {
        const token = this.req.headers.authorization as string | undefined
        seenTokens.push(token)
        return token === 'Bearer new-access'
          ? [201, { id: 1 }]
          : [401, { code: 184, message: 'access_token is invalid, unknown, or malformed' }]
      })
    nock('https://login.salesforce.com').post('/services/oauth2/token').reply(200, { access_token: 'new-access' })
    await destination.onEvent(event, {
      ...settings,
      subscription,
      oauth: { ...oauthSettings(), access_token: 'broken\naccess' }
    })
    expect(seenTokens).toEqual([undefined, 'Bearer new-access'])
  })

  it('refreshes on code 184 even when Pardot sends it with HTTP 400', async () => {
    const destination = new Destination(definition)
    nock(PROD_API).post(UPSERT).reply(400, { code: 184, message: 'Invalid token' })
    nock(PROD_API).post(UPSERT).reply(201, { id: 1 })
    const refresh = nock('https://login.salesforce.com')
      .post('/services/oauth2/token')
      .reply(200, { access_token: 'new-access' })
    await destination.onEvent(event, { ...settings, subscription, oauth: oauthSettings() })
    expect(refresh.isDone()).toBe(true)
  })

  it('reports a final refresh failure without leaking secrets', async () => {
    const destination = new Destination(definition)
    nock(PROD_API).post(UPSERT).reply(401, { code: 184, message: 'Invalid token' })
    nock('https://login.salesforce.com')
      .post('/services/oauth2/token')
      .reply(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' })
    const error = await destination
      .onEvent(event, { ...settings, subscription, oauth: oauthSettings() })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'REFRESH_TOKEN_EXPIRED' })
    expect(JSON.stringify(error) + (error as Error).message).not.toMatch(/SECRET|old-access/)
  })
})
