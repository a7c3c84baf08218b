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

// The audience path: no List mapped and no Operation; the list is the one createAudience answered (the platform's
// external_audience_id) and the membership the audience's own trait. Required fields only besides those.
const audience = (member: boolean) => ({
  external_audience_id: '3001',
  computation_key: 'trial_users',
  traits_or_props: { trial_users: member }
})

it('Update List Membership for an audience entry, required fields only: adds to the audience list', async () => {
  const requests = await snapshotRequests('listMembership', {
    requiredOnly: true,
    mapping: audience(true),
    variant: 'audience'
  })
  expect(requests.map((r) => r.method)).toEqual(['GET', 'POST', 'POST'])
  expect(requests).toMatchSnapshot()
})

it('Update List Membership with the delete sync mode removes on an audience exit', async () => {
  const requests = await snapshotRequests('listMembership', {
    requiredOnly: true,
    mapping: { ...audience(false), __segment_internal_sync_mode: 'delete' },
    variant: 'audience-delete'
  })
  expect(requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'DELETE'])
  expect(requests).toMatchSnapshot()
})

it('Update List Membership with the add sync mode sends nothing for an audience exit', async () => {
  const requests = await snapshotRequests('listMembership', {
    requiredOnly: true,
    mapping: { ...audience(false), __segment_internal_sync_mode: 'add' },
    variant: 'audience-add'
  })
  expect(requests).toEqual([])
})
