import { SANDBOX_DEFAULTS } from '..'
import { sandboxPerTest } from './harness'

const LISTS = '/api/v5/objects/lists'
const current = sandboxPerTest()

describe('creating a list', () => {
  it('makes a static list in the business unit, with the fields asked for, readable and listed at once', async () => {
    const created = await current().call(`${LISTS}?fields=id,name,isDynamic,isPublic`, {
      method: 'POST',
      body: { name: 'Trial users', isPublic: true }
    })
    expect(created).toEqual({
      status: 201,
      body: { id: expect.any(Number) as number, name: 'Trial users', isDynamic: false, isPublic: true }
    })
    const id = created.body.id as number
    expect((await current().call(`${LISTS}/${id}?fields=id,name`)).body).toEqual({ id, name: 'Trial users' })
    const listed = await current().call(`${LISTS}?fields=id,name`)
    expect(listed.body.values).toContainEqual({ id, name: 'Trial users' })
    // Another business unit does not see it.
    const demo = await current().call(`/pi.demo.pardot.com${LISTS}?fields=id`, {
      bu: SANDBOX_DEFAULTS.demoBusinessUnitId
    })
    expect(demo.body.values).not.toContainEqual({ id })
  })

  it('is private unless asked otherwise', async () => {
    const created = await current().call(`${LISTS}?fields=isPublic`, { method: 'POST', body: { name: 'Quiet' } })
    expect(created.body).toEqual({ isPublic: false })
  })

  // The registry's codes for a body's properties: 153 a required one missing, 154 one Pardot does not take.
  it.each([
    [{}, 153, 'name is required'],
    [{ name: '  ' }, 153, 'name is required'],
    [{ name: null }, 153, 'name is required'],
    [{ name: 7 }, 154, 'Invalid string for name'],
    [{ name: 'X', isPublic: 'yes' }, 154, 'Invalid boolean for isPublic'],
    [{ name: 'X', isDynamic: true }, 154, 'Dynamic lists cannot be created through the API'],
    [{ name: 'X', description: 7 }, 154, 'Invalid string for description']
  ])('refuses %j with code %i: %s', async (body, code, message) => {
    expect(await current().call(`${LISTS}?fields=id`, { method: 'POST', body })).toEqual({
      status: 400,
      body: { code, message }
    })
  })
})
