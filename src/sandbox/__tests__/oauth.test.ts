import { SANDBOX_DEFAULTS, type SandboxOptions } from '..'
import { SandboxUnderTest, type Call } from './harness'

const UPSERT = '/api/v5/objects/prospects/do/upsertLatestByEmail'

let running: SandboxUnderTest | undefined
let base = ''

async function start(options: SandboxOptions = {}) {
  running = await SandboxUnderTest.start(options)
  base = running.base
}

afterEach(async () => {
  await running?.close()
  running = undefined
})

const call = (path: string, options?: Call) => (running as SandboxUnderTest).call(path, options)
const upsert = (matchEmail: string, token?: string) =>
  call(UPSERT, { method: 'POST', body: { matchEmail, prospect: {} }, ...(token ? { token } : {}) })

async function refresh(
  refreshToken: string = SANDBOX_DEFAULTS.refreshToken,
  clientSecret: string = SANDBOX_DEFAULTS.clientSecret
) {
  const res = await fetch(`${base}/login.salesforce.com/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: SANDBOX_DEFAULTS.clientId,
      client_secret: clientSecret
    })
  })
  return { status: res.status, body: (await res.json()) as Record<string, string> }
}

describe('OAuth', () => {
  it('issues tokens that expire after the configured time', async () => {
    await start({ tokenTtlMs: 150 })
    const { body } = await refresh()
    expect(
      (
        await call(UPSERT, {
          method: 'POST',
          body: { matchEmail: 'a@example.com', prospect: {} },
          token: body.access_token
        })
      ).status
    ).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await call(UPSERT, { method: 'POST', body: {}, token: body.access_token })).status).toBe(401)
  })

  it('answers invalid_grant "already being processed" to a concurrent refresh of one token', async () => {
    await start({ refreshDelayMs: 100 })
    const [a, b] = await Promise.all([refresh(), refresh()])
    expect(a.status).toBe(200)
    expect(b).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'token request is already being processed' }
    })
  })

  it('refuses an unknown refresh token and wrong client credentials', async () => {
    await start()
    expect(await refresh('nope')).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' }
    })
    expect((await refresh(undefined, 'wrong')).body.error).toBe('invalid_client')
  })

  it('can expire every token at once', async () => {
    await start()
    await fetch(`${base}/sandbox/expire-tokens`, { method: 'POST' })
    expect((await upsert('a@example.com')).status).toBe(401)
  })

  describe('refresh-token rotation (configured through /sandbox/config)', () => {
    const rotate = () =>
      fetch(`${base}/sandbox/config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rotateRefreshTokens: true })
      })
    const stats = async () => ((await (await fetch(`${base}/sandbox/stats`)).json()) as { oauth: unknown }).oauth

    it('answers a new refresh token with each refresh; the one sent stops working', async () => {
      await start()
      expect((await rotate()).status).toBe(204)
      const first = await refresh()
      expect(first.status).toBe(200)
      expect(first.body.refresh_token).toMatch(/^sandbox-rt-/)
      const second = await refresh(first.body.refresh_token)
      expect(second.status).toBe(200)
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token)
      expect((await upsert('a@example.com', second.body.access_token)).status).toBe(200)
      expect(await stats()).toEqual({ refreshed: 2, rotated: 2, reuseDetected: 0 })
    })

    it('refuses a rotated-out refresh token with the wrong client secret as a client error, revoking nothing', async () => {
      await start()
      await rotate()
      const first = await refresh()
      expect(await refresh(undefined, 'wrong')).toEqual({
        status: 400,
        body: { error: 'invalid_client', error_description: 'invalid client credentials' }
      })
      expect((await refresh(first.body.refresh_token)).status).toBe(200)
      expect(await stats()).toEqual({ refreshed: 2, rotated: 2, reuseDetected: 0 })
    })

    it('revokes the whole family when a rotated-out refresh token comes back, as Salesforce does', async () => {
      await start()
      await rotate()
      const first = await refresh()
      const second = await refresh(first.body.refresh_token)
      // The original token, rotated out by the first refresh, is presented again.
      expect(await refresh()).toEqual({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'expired access/refresh token' }
      })
      // The current refresh token and every access token of the family are gone too: the user must reconnect.
      expect((await refresh(second.body.refresh_token)).body.error).toBe('invalid_grant')
      expect((await upsert('a@example.com', second.body.access_token)).body).toEqual({
        code: 184,
        message: 'access_token is invalid, unknown, or malformed: Inactive token'
      })
      expect(await stats()).toEqual({ refreshed: 2, rotated: 2, reuseDetected: 1 })
    })

    it('does not rotate unless configured to', async () => {
      await start()
      const { body } = await refresh()
      expect(body).not.toHaveProperty('refresh_token')
      expect((await refresh()).status).toBe(200)
    })
  })
})
