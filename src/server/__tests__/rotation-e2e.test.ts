import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { DeliveryReport } from '../deliver'
import { CALLER_AUTH, postJson } from './post-json'

/**
 * Salesforce refresh-token rotation, end to end: the real local server and its embedded sandbox set to rotate
 * refresh tokens and, as Salesforce does, to revoke the whole token family when a rotated-out token comes back.
 */
let local: LocalServer

beforeEach(async () => {
  local = await startLocalServer({ port: 0, sandbox: { refreshDelayMs: 50 } })
  // Rotation is switched on as an operator of `npm start` would: through the sandbox's config route.
  const configured = await fetch(`${local.url}/sandbox/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rotateRefreshTokens: true })
  })
  expect(configured.status).toBe(204)
})

afterEach(async () => {
  await local.close()
})

/** The tokens the caller connected with, sent unchanged with every call, as a client that never sees new ones. */
const AUTH = CALLER_AUTH

const post = (path: string, body: unknown) => postJson(local.url + path, body)

const identify = (email: string, withAuth = true) =>
  post('/prospects', { payload: { type: 'identify', traits: { email } }, ...(withAuth ? { auth: AUTH } : {}) })
const expireTokens = () => fetch(`${local.url}/sandbox/expire-tokens`, { method: 'POST' })
const oauthStats = async () =>
  ((await (await fetch(`${local.url}/sandbox/stats`)).json()) as { oauth: Record<string, number> }).oauth

describe('refresh-token rotation through the local server', () => {
  it('keeps the rotated refresh token for the caller: later calls use it, and no reconnect is needed', async () => {
    await expireTokens()
    const first = await identify('ann@example.com')
    expect(first.body).toMatchObject({ ok: true, tokenRefreshed: true })
    // The rotated refresh token (and the new access token) never reach the caller's answer.
    expect(JSON.stringify(first.body)).not.toMatch(/sandbox-rt-|sandbox-at-/)
    expect(await oauthStats()).toEqual({ refreshed: 1, rotated: 1, reuseDetected: 0 })

    // The caller still sends the tokens it connected with; the first refresh token is rotated out by now.
    await expireTokens()
    expect((await identify('bob@example.com')).body).toMatchObject({ ok: true, tokenRefreshed: true })
    expect(await oauthStats()).toEqual({ refreshed: 2, rotated: 2, reuseDetected: 0 })

    // With a live token the newest access token serves the call: no refresh, no 401.
    const third = await identify('cy@example.com')
    expect(third.body).toMatchObject({ ok: true, tokenRefreshed: false })
    expect(third.body.requests.map((r) => r.response.status)).toEqual([200])
    expect(await oauthStats()).toEqual({ refreshed: 2, rotated: 2, reuseDetected: 0 })
  })

  it('refreshes once for concurrent calls whose token expired, and never sends a rotated-out token', async () => {
    await expireTokens()
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((name) => identify(`${name}@example.com`)))
    expect(answers.map((a) => a.body.ok)).toEqual([true, true, true, true])
    expect(local.sandbox?.stats().calls['POST /services/oauth2/token']).toBe(1)
    expect(await oauthStats()).toEqual({ refreshed: 1, rotated: 1, reuseDetected: 0 })
  })

  it('keeps the rotated token of the sandbox credentials used without "auth"', async () => {
    for (const email of ['ann@example.com', 'bob@example.com']) {
      await expireTokens()
      expect((await identify(email, false)).body).toMatchObject({ ok: true, tokenRefreshed: true })
    }
    expect(await oauthStats()).toEqual({ refreshed: 2, rotated: 2, reuseDetected: 0 })
  })

  it('POST /refreshAccessToken with a token the server already exchanged: 409, no tokens, nothing revoked', async () => {
    await expireTokens()
    await identify('ann@example.com')
    const calls = () => local.sandbox?.stats().calls['POST /services/oauth2/token']
    expect(calls()).toBe(1)
    // Even with the client secret: handing out the newest tokens for an old one is what reuse detection prevents.
    const res = await fetch(`${local.url}/refreshAccessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        refreshToken: AUTH.refreshToken,
        clientId: AUTH.clientId,
        clientSecret: AUTH.clientSecret
      })
    })
    expect(res.status).toBe(409)
    const text = await res.text()
    expect(text).not.toMatch(/sandbox-rt-|sandbox-at-/)
    expect(JSON.parse(text)).toMatchObject({
      ok: false,
      error: {
        status: 409,
        code: 'REFRESH_TOKEN_ALREADY_EXCHANGED',
        retryable: false,
        message: expect.stringMatching(/^This refresh token was already exchanged: the connected app rotates/) as string
      }
    })
    // Not sent to Salesforce: the family is intact, and the caller that proves the secret still delivers.
    expect(calls()).toBe(1)
    expect((await oauthStats()).reuseDetected).toBe(0)
    expect((await identify('bob@example.com')).body).toMatchObject({ ok: true })
  })
})

describe('refresh-token rotation for a caller that relies on the server’s client credentials', () => {
  let configured: LocalServer
  const apiKey = 'rotation-test-key'

  beforeEach(async () => {
    // The operator configured the connected app's credentials, which serve only callers holding the server's key.
    configured = await startLocalServer({
      port: 0,
      apiKey,
      sandbox: { refreshDelayMs: 0, rotateRefreshTokens: true },
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret
    })
  })

  afterEach(async () => {
    await configured.close()
  })

  const send = async (email: string, key?: string) => {
    const res = await fetch(`${configured.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({
        payload: { type: 'identify', traits: { email } },
        auth: { accessToken: AUTH.accessToken, refreshToken: AUTH.refreshToken }
      })
    })
    return { status: res.status, body: (await res.json()) as DeliveryReport }
  }

  it('serves a key holder that still sends its first tokens with the newest of the family, never re-sending one', async () => {
    await fetch(`${configured.url}/sandbox/expire-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` }
    })
    expect((await send('ann@example.com', apiKey)).body).toMatchObject({ ok: true, tokenRefreshed: true })

    // The same, now rotated-out, tokens again: swapped for the newest kept by the server, so nothing is revoked.
    expect((await send('bob@example.com', apiKey)).body).toMatchObject({ ok: true })
    expect(configured.sandbox?.stats().oauth).toEqual({ refreshed: 1, rotated: 1, reuseDetected: 0 })
    const prospects = (await (
      await fetch(`${configured.url}/sandbox/prospects`, {
        headers: { authorization: `Bearer ${apiKey}` }
      })
    ).json()) as { email: string }[]
    expect(prospects.map((p) => p.email).sort()).toEqual(['ann@example.com', 'bob@example.com'])
  })

  it('spends nothing of the operator’s for a caller without the key', async () => {
    const stranger = await send('eve@example.com')
    expect(stranger.status).toBe(401)
    expect(configured.sandbox?.stats().oauth).toEqual({ refreshed: 0, rotated: 0, reuseDetected: 0 })
  })
})
