import nock from 'nock'
import { createTestEvent, Destination, type JSONObject, type RefreshAccessTokenResult } from '@segment/actions-core'
import definition from '../index'
import { PROD_API, settings, UPSERT } from './helpers'

/**
 * Salesforce refresh-token rotation (docs/pardot-api.md, "OAuth"): a refresh may answer a new refresh token, and the
 * old one then stops working. Tested through Destination.onEvent, the only path on which the engine refreshes.
 */
describe('a rotated refresh token reaches the engine, and the next refresh uses it', () => {
  const event = createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } })
  const mapping = new Destination(definition).definition.presets?.[0].mapping as JSONObject
  const subscription = { subscribe: 'type = "identify"', partnerAction: 'prospects', mapping }

  afterEach(() => nock.cleanAll())

  /** Pardot refuses every token but `valid`. */
  function pardotTakes(valid: string) {
    return nock(PROD_API)
      .post(UPSERT)
      .times(2)
      .reply(function () {
        return this.req.headers.authorization === `Bearer ${valid}`
          ? [201, { id: 1 }]
          : [401, { code: 184, message: 'access_token is invalid, unknown, or malformed: Inactive token' }]
      })
  }

  /** Salesforce's token endpoint, recording the refresh token each refresh sent. */
  function salesforceRotates(sent: string[], answer: { access_token: string; refresh_token: string }) {
    return nock('https://login.salesforce.com')
      .post('/services/oauth2/token', (body: Record<string, string>) => {
        sent.push(body.refresh_token)
        return true
      })
      .reply(200, answer)
  }

  it('hands {accessToken, refreshToken} to onTokenRefresh and sends the new refresh token next time', async () => {
    const destination = new Destination(definition)
    const sent: string[] = []
    const refreshed: RefreshAccessTokenResult[] = []
    const onTokenRefresh = (tokens: RefreshAccessTokenResult) => {
      refreshed.push(tokens)
      return Promise.resolve()
    }
    // The settings the engine holds: it updates their oauth object in place after a refresh.
    const engineSettings = {
      ...settings,
      subscription,
      oauth: { access_token: 'a0', refresh_token: 'r0', clientId: 'client-id', clientSecret: 'client-secret' }
    }

    pardotTakes('a1')
    salesforceRotates(sent, { access_token: 'a1', refresh_token: 'r1' })
    await destination.onEvent(event, engineSettings, { onTokenRefresh })
    expect(refreshed).toEqual([{ accessToken: 'a1', refreshToken: 'r1' }])
    expect(engineSettings.oauth).toMatchObject({ access_token: 'a1', refresh_token: 'r1' })

    // a1 expires: the next refresh sends r1, never r0 again (with rotation on, r0 would revoke the family).
    pardotTakes('a2')
    salesforceRotates(sent, { access_token: 'a2', refresh_token: 'r2' })
    await destination.onEvent(event, engineSettings, { onTokenRefresh })
    expect(sent).toEqual(['r0', 'r1'])
    expect(refreshed).toEqual([
      { accessToken: 'a1', refreshToken: 'r1' },
      { accessToken: 'a2', refreshToken: 'r2' }
    ])
  })
})
