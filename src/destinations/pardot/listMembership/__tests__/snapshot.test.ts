import { snapshotRequests } from '../../__tests__/snapshot-helper'

it('Update List Membership (add) checks the list, finds or creates the prospect, and adds it', async () => {
  const requests = await snapshotRequests('listMembership', { mapping: { operation: 'add' } })
  expect(requests.map((r) => r.method)).toEqual(['GET', 'POST', 'POST'])
  expect(requests).toMatchSnapshot()
})

it('Update List Membership (remove) finds the prospects by email and removes their memberships', async () => {
  const requests = await snapshotRequests('listMembership', { mapping: { operation: 'remove' }, variant: 'remove' })
  expect(requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'DELETE'])
  expect(requests).toMatchSnapshot()
})
