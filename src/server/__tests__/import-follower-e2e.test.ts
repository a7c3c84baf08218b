import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { FollowedImport } from '../import-follower'
import { CALLER_AUTH } from './post-json'

const apiKey = 'follower-e2e-key-0123456789'
let local: LocalServer

afterEach(async () => {
  await local.close()
})

const AUTH = CALLER_AUTH

const keyed = { authorization: `Bearer ${apiKey}` }

async function sendBatch(traits: Record<string, unknown>[]) {
  const res = await fetch(`${local.url}/prospects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...keyed },
    body: JSON.stringify({
      payload: traits.map((t) => ({ type: 'identify', userId: 'u', traits: t })),
      // Shorter than the sandbox's import delay: the outcome is pending and the background follower takes over.
      mapping: { enable_batching: true, import_wait_seconds: 0.2 },
      useDefaultMappings: true,
      auth: AUTH
    })
  })
  expect(res.status).toBe(200)
}

async function followedWhen(done: (imports: FollowedImport[]) => boolean): Promise<FollowedImport[]> {
  for (const end = Date.now() + 10_000; Date.now() < end;) {
    const res = await fetch(`${local.url}/imports`, { headers: keyed })
    const { imports } = (await res.json()) as { imports: FollowedImport[] }
    if (done(imports)) return imports
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('GET /imports did not reach the expected state within 10 s')
}

describe('the background follower end to end (review 14)', () => {
  it('reaches the sandbox with a server API key set, and reports the refused row', async () => {
    local = await startLocalServer({
      port: 0,
      apiKey,
      sandbox: { importDelayMs: 600 },
      importFollow: { intervalMs: 50, maxMs: 5000 }
    })
    await sendBatch([{ email: 'a@example.com' }, { email: 'b@example.com', title: 'x'.repeat(256) }])
    const [followed] = await followedWhen((imports) => imports[0]?.outcome === 'complete')
    expect(followed.refused).toEqual([
      { email: 'b@example.com', reason: expect.stringContaining('jobTitle') as string }
    ])
  })

  it('refreshes rotated tokens that expired while the import ran without presenting a rotated-out one', async () => {
    local = await startLocalServer({
      port: 0,
      apiKey,
      sandbox: { importDelayMs: 600, refreshDelayMs: 0, rotateRefreshTokens: true },
      importFollow: { intervalMs: 50, maxMs: 5000 },
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret
    })
    await sendBatch([{ email: 'a@example.com' }, { email: 'b@example.com', title: 'x'.repeat(256) }])
    await fetch(`${local.url}/sandbox/expire-tokens`, { method: 'POST', headers: keyed })
    const [followed] = await followedWhen((imports) => imports[0]?.outcome === 'complete')
    expect(followed.refused).toHaveLength(1)
    expect(local.sandbox?.stats().oauth).toMatchObject({ reuseDetected: 0 })
    expect(local.sandbox?.stats().oauth.refreshed).toBeGreaterThan(0)
  })
})
