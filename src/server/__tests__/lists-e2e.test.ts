import { startLocalServer, type LocalServer } from '../app'
import { postJson } from './post-json'

let local: LocalServer

beforeEach(async () => {
  local = await startLocalServer({ port: 0 })
})

afterEach(async () => {
  await local.close()
})

const post = async (path: string, body: unknown) => (await postJson(local.url + path, body)).body

async function get(path: string) {
  return (await (await fetch(local.url + path)).json()) as Record<string, unknown>[]
}

const NEWSLETTER = '1001'
const personas = { computation_key: 'pardot_vips', computation_class: 'audience', computation_id: 'aud_1' }

const membersOfNewsletter = async () =>
  (await get('/sandbox/list-memberships')).filter((m) => m.listId === Number(NEWSLETTER))

describe('Update List Membership through the local server and the sandbox', () => {
  it('an audience entered then exited leaves the list as it was, and the prospect in Pardot', async () => {
    const bob = await post('/listMembership', {
      payload: { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com' } },
      mapping: { listId: NEWSLETTER, operation: 'add' },
      useDefaultMappings: true
    })
    expect(bob.ok).toBe(true)
    const before = await membersOfNewsletter()
    expect(before).toHaveLength(1)

    const entered = await post('/listMembership', {
      payload: {
        type: 'identify',
        userId: 'ann',
        traits: { email: 'ann@example.com', pardot_vips: true },
        context: { personas }
      },
      mapping: { listId: NEWSLETTER },
      useDefaultMappings: true
    })
    expect(entered).toMatchObject({ ok: true })
    const ann = (await get('/sandbox/prospects')).find((p) => p.email === 'ann@example.com')
    expect(ann).toBeDefined()
    expect(await membersOfNewsletter()).toEqual([
      ...before,
      expect.objectContaining({ prospectId: ann?.id, listId: Number(NEWSLETTER) })
    ])

    const exited = await post('/listMembership', {
      payload: {
        type: 'track',
        userId: 'ann',
        event: 'Audience Exited',
        properties: { email: 'ann@example.com', audience_key: 'pardot_vips', pardot_vips: false },
        context: { personas }
      },
      mapping: { listId: NEWSLETTER },
      useDefaultMappings: true
    })
    expect(exited).toMatchObject({ ok: true })
    expect(exited.requests.map((r) => `${r.request.method} ${r.response.status}`)).toEqual([
      'GET 200', // the prospects with that email (the list was checked by the first event)
      'GET 200', // ann's membership of the list
      'DELETE 204'
    ])

    expect(await membersOfNewsletter()).toEqual(before)
    expect((await get('/sandbox/prospects')).map((p) => p.email)).toEqual(['bob@example.com', 'ann@example.com'])
  })

  it('adds the prospect of a track "Audience Entered" whose email is only in context.traits', async () => {
    const entered = await post('/listMembership', {
      payload: {
        type: 'track',
        userId: 'ann',
        event: 'Audience Entered',
        properties: { audience_key: 'pardot_vips', pardot_vips: true },
        context: { personas, traits: { email: 'ann@example.com' } }
      },
      mapping: { listId: NEWSLETTER },
      useDefaultMappings: true
    })
    expect(entered).toMatchObject({ ok: true })
    const [ann] = await get('/sandbox/prospects')
    expect(ann).toMatchObject({ email: 'ann@example.com' })
    expect(await membersOfNewsletter()).toEqual([expect.objectContaining({ prospectId: ann.id })])
  })

  it('works again with a list restored after it was found missing, and says so when it is deleted meanwhile', async () => {
    const add = (email: string) =>
      post('/listMembership', {
        payload: { type: 'identify', traits: { email } },
        mapping: { listId: NEWSLETTER, operation: 'add' },
        useDefaultMappings: true
      })
    const lists = local.sandbox?.state.lists
    const newsletter = lists?.get(Number(NEWSLETTER))
    if (!lists || !newsletter) throw new Error('The sandbox has no Newsletter list.')
    const missing = {
      status: 404,
      retryable: false,
      message: `Pardot has no list with id ${NEWSLETTER} in business unit 0Uv000000000001AAA. Choose a list from the List dropdown (a deleted list must be restored from the recycle bin first).`
    }

    lists.delete(newsletter.id)
    expect((await add('ann@example.com')).error).toMatchObject(missing)
    lists.set(newsletter.id, newsletter)
    expect(await add('ann@example.com')).toMatchObject({ ok: true })

    // Deleted after this process checked it: the membership's "not found" is the same final list error.
    lists.delete(newsletter.id)
    const gone = await add('bob@example.com')
    expect(gone.error).toMatchObject(missing)
    expect(gone.requests.map((r) => `${r.request.method} ${r.response.status}`)).toEqual([
      'POST 200', // the upsert of bob
      'POST 404', // the membership
      'GET 404' // the list, read again to tell a missing list from a prospect not found yet
    ])
  })

  it('refuses a dynamic list with a final error that says so', async () => {
    const answer = await post('/listMembership', {
      payload: { type: 'identify', traits: { email: 'ann@example.com' } },
      mapping: { listId: '1003', operation: 'add' },
      useDefaultMappings: true
    })
    expect(answer.error).toMatchObject({
      status: 400,
      retryable: false,
      message:
        'The Pardot list "Engaged (dynamic)" (id 1003) is a dynamic list: Pardot adds and removes its members by the list\'s criteria, and the API cannot change them. Choose a static list.'
    })
    expect(await get('/sandbox/prospects')).toEqual([])
  })

  it('offers the sandbox’s static lists and custom fields as dropdowns', async () => {
    expect(await post('/listMembership/listId', {})).toEqual({
      choices: [
        { label: 'Newsletter', value: '1001', description: 'Static list, id 1001' },
        { label: 'Customers', value: '1002', description: 'Static list, id 1002' }
      ]
    })
    const keys = (await post('/prospects/customFields.__keys__', {})) as unknown as { choices: { value: string }[] }
    expect(keys.choices.map((c) => c.value)).toEqual(['Plan__c', 'Seats__c', 'Birthday__c', 'Interests__c'])
  })

  it('stores a multi-select list and a date-time in the form Pardot takes', async () => {
    const answer = await post('/prospects', {
      payload: {
        type: 'identify',
        traits: { email: 'ann@example.com', interests: ['golf', 'sailing'], birthday: '1990-12-31T00:00:00.000Z' }
      },
      mapping: {
        customFields: { Interests__c: { '@path': '$.traits.interests' }, Birthday__c: { '@path': '$.traits.birthday' } }
      },
      useDefaultMappings: true
    })
    expect(answer.ok).toBe(true)
    expect(await get('/sandbox/prospects')).toEqual([
      expect.objectContaining({ Interests__c: 'golf;sailing', Birthday__c: '1990-12-31' })
    ])
  })
})
