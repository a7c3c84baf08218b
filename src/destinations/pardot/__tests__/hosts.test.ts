import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import definition, { createPardotDestination } from '../index'
import { HOSTS, type PardotEnvironments } from '../hosts'
import { auth, settings, UPSERT } from './helpers'

/** The hosts are passed in: the default export talks to Pardot, a definition made with other hosts to those only. */

const OTHER: PardotEnvironments = {
  production: { api: 'https://api.local.test/pi.pardot.com', login: 'https://login.local.test/prod' },
  sandbox: { api: 'https://api.local.test/pi.demo.pardot.com', login: 'https://login.local.test/test' },
  developerOrg: { api: 'https://api.local.test/pi.demo.pardot.com', login: 'https://login.local.test/dev' }
}
const event = createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } })

it('ships the production definition, its handlers as written, talking to the real hosts', async () => {
  expect(createPardotDestination().actions.prospects.perform).toBe(definition.actions.prospects.perform)
  nock(HOSTS.production.api).post(UPSERT).reply(201, { id: 1 })
  const responses = await createTestIntegration(definition).testAction('prospects', {
    event,
    settings,
    auth,
    useDefaultMappings: true
  })
  expect(responses.map((r) => r.url)).toEqual([`${HOSTS.production.api}${UPSERT}`])
})

it.each([
  ['production', {}, OTHER.production],
  ['sandbox', { isSandbox: true }, OTHER.sandbox],
  ['developer org', { isDeveloperOrg: true }, OTHER.developerOrg]
])('aims every request of a %s business unit at the hosts given', async (_, toggles, hosts) => {
  const aimed = createTestIntegration(createPardotDestination({ hosts: OTHER }))
  nock('https://api.local.test')
    .post(`${new URL(hosts.api).pathname}${UPSERT}`)
    .reply(201, { id: 1 })
  const responses = await aimed.testAction('prospects', {
    event,
    settings: { ...settings, ...toggles },
    auth,
    useDefaultMappings: true
  })
  expect(responses.map((r) => r.url)).toEqual([`${hosts.api}${UPSERT}`])

  nock('https://login.local.test')
    .post(`${new URL(hosts.login).pathname}/services/oauth2/token`)
    .reply(200, { access_token: 'new-token' })
  await expect(
    aimed.refreshAccessToken(
      { ...settings, ...toggles },
      { accessToken: 'old', refreshToken: 'r', clientId: 'c', clientSecret: 's' }
    )
  ).resolves.toEqual({ accessToken: 'new-token' })
})

it('aims the dropdowns at the hosts given too', async () => {
  nock('https://api.local.test')
    .get('/pi.pardot.com/api/v5/objects/lists')
    .query(true)
    .reply(200, { values: [{ id: 7, name: 'VIP', isDynamic: false }], nextPageToken: null })
  const aimed = createTestIntegration(createPardotDestination({ hosts: OTHER }))
  const answer = await aimed.testDynamicField('listMembership', 'listId', { settings, payload: {}, auth })
  expect(answer).toMatchObject({ choices: [{ value: '7', label: 'VIP' }] })
})

/**
 * Every handler of a definition made with hosts, found by walking the definition rather than listed by hand: a
 * handler added later and not wrapped would send its requests (and the token) to the real Pardot, since an unbound
 * request client falls back to the production hosts. Each is called with a request client that records the URL
 * and fails, and an input carrying what any of them needs to reach its first request.
 */
describe('every handler of a definition made with hosts is bound to them', () => {
  type Fn = (...args: unknown[]) => unknown
  // Not handlers: the engine calls extendRequest for headers, with no request client.
  const NOT_HANDLERS = new Set(['extendRequest'])

  function handlers(value: unknown, path: string[] = [], found: [string, Fn][] = []): [string, Fn][] {
    if (typeof value === 'function') found.push([path.join('.'), value as Fn])
    else if (value && typeof value === 'object')
      for (const [key, child] of Object.entries(value))
        if (!NOT_HANDLERS.has(key)) handlers(child, [...path, key], found)
    return found
  }

  const payload = {
    email: 'ann@example.com',
    listId: '77',
    operation: 'add',
    extension: 'Webinars',
    type: 'Attended',
    value: 'Q3 launch'
  }
  const input = (path: string) => ({
    settings,
    auth: { accessToken: 'old', refreshToken: 'r', clientId: 'c', clientSecret: 's' },
    payload: path.endsWith('performBatch') ? [payload] : payload,
    audienceName: 'Trials',
    externalId: '77'
  })

  const all = handlers(createPardotDestination({ hosts: OTHER }))

  it('finds the handlers of actions, dropdowns, authentication and audiences (and onDelete if ever added)', () => {
    const paths = all.map(([path]) => path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'authentication.testAuthentication',
        'authentication.refreshAccessToken',
        'audienceConfig.createAudience',
        'audienceConfig.getAudience',
        'actions.prospects.perform',
        'actions.prospects.performBatch',
        'actions.listMembership.dynamicFields.listId'
      ])
    )
  })

  it.each(handlers(createPardotDestination({ hosts: OTHER })).map(([path]) => path))('%s', async (path) => {
    const handler = all.find(([found]) => found === path)?.[1] as Fn
    const urls: string[] = []
    const request = (url: string) => {
      urls.push(url)
      return Promise.reject(new Error('stopped after the first request'))
    }
    await Promise.resolve()
      .then(() => handler(request, input(path)))
      .catch(() => undefined)
    expect(urls.length).toBeGreaterThan(0)
    for (const url of urls) expect(url).toMatch(/^https:\/\/(api|login)\.local\.test\//)
  })
})
