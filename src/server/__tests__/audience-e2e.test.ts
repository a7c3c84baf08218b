import { Destination } from '@segment/actions-core'
import { createPardotDestination } from '../../destinations/pardot'
import type { Settings } from '../../destinations/pardot/generated-types'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import { startLocalServer, type LocalServer } from '../app'
import { localHosts } from '../local-hosts'
import { postJson } from './post-json'

/**
 * A Segment audience end to end: connecting it creates its static list in the sandbox (the destination aimed at the
 * local server's sandbox, as the platform would call createAudience), then its Audience Entered and Exited events go
 * through the local server with no list mapped, and land in that list.
 */

let local: LocalServer

beforeEach(async () => {
  local = await startLocalServer({ port: 0 })
})

afterEach(async () => {
  await local.close()
})

const post = async (path: string, body: unknown) => (await postJson(local.url + path, body)).body

const getJson = async (path: string) => (await (await fetch(local.url + path)).json()) as Record<string, unknown>[]

// The engine reads the token from the settings' oauth, beside the settings themselves.
const settings = {
  businessUnitID: SANDBOX_DEFAULTS.businessUnitId,
  oauth: { access_token: SANDBOX_DEFAULTS.accessToken, refresh_token: SANDBOX_DEFAULTS.refreshToken }
} as Settings

/** An Engage audience event as Segment sends it, carrying the list id createAudience answered. */
function audienceEvent(entered: boolean, listId: string) {
  const personas = {
    computation_key: 'trial_users',
    computation_class: 'audience',
    computation_id: 'aud_1',
    external_audience_id: listId
  }
  return {
    type: 'track',
    userId: 'ann',
    event: entered ? 'Audience Entered' : 'Audience Exited',
    properties: { audience_key: 'trial_users', trial_users: entered },
    context: { personas, traits: { email: 'ann@example.com' } }
  }
}

async function connectAudience(audienceName: string): Promise<string> {
  const destination = new Destination(createPardotDestination({ hosts: localHosts(local.url) }))
  const { externalId } = await destination.createAudience({ settings, audienceName })
  await expect(destination.getAudience({ settings, externalId })).resolves.toEqual({ externalId })
  return externalId
}

const members = async (listId: string) =>
  (await getJson('/sandbox/list-memberships')).filter((m) => m.listId === Number(listId))

describe('an audience through the local server into the list the destination created', () => {
  it.each([
    ['with the Segment audience traits (no sync mode on the mapping)', {}],
    ['with the mirror sync mode', { __segment_internal_sync_mode: 'mirror' }]
  ])('entered adds the prospect, exited removes it: %s', async (_, mapping) => {
    const listId = await connectAudience('Trial users')
    expect(Number(listId)).toBeGreaterThan(3000)
    expect(await members(listId)).toEqual([])

    const entered = await post('/listMembership', {
      payload: audienceEvent(true, listId),
      mapping,
      useDefaultMappings: true
    })
    expect(entered).toMatchObject({ ok: true })
    const ann = (await getJson('/sandbox/prospects')).find((p) => p.email === 'ann@example.com')
    expect(await members(listId)).toEqual([expect.objectContaining({ prospectId: ann?.id })])

    const exited = await post('/listMembership', {
      payload: audienceEvent(false, listId),
      mapping,
      useDefaultMappings: true
    })
    expect(exited).toMatchObject({ ok: true })
    expect(await members(listId)).toEqual([])
  })

  it('a second connection of the same audience adopts the list made the first time', async () => {
    const first = await connectAudience('Trial users')
    await expect(connectAudience('Trial users')).resolves.toBe(first)
  })

  it('the add sync mode adds an entry and leaves an exit out', async () => {
    const listId = await connectAudience('Adds only')
    const mapping = { __segment_internal_sync_mode: 'add' }
    await post('/listMembership', { payload: audienceEvent(true, listId), mapping, useDefaultMappings: true })
    expect(await members(listId)).toHaveLength(1)
    const exit = await post('/listMembership', {
      payload: audienceEvent(false, listId),
      mapping,
      useDefaultMappings: true
    })
    expect(exit).toMatchObject({ ok: true, requests: [] })
    expect(await members(listId)).toHaveLength(1)
  })
})
