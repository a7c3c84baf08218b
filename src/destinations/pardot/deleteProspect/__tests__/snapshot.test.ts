import { snapshotRequests } from '../../__tests__/snapshot-helper'

it('Delete Prospect finds the prospects with the email, then moves each to the recycle bin', async () => {
  const requests = await snapshotRequests('deleteProspect')
  expect(requests.map((r) => r.method)).toEqual(['GET', 'DELETE'])
  expect(requests).toMatchSnapshot()
})

it('Delete Prospect with the required fields only finds the prospects by email and deletes them', async () => {
  const requests = await snapshotRequests('deleteProspect', { requiredOnly: true, variant: 'required' })
  expect(requests.map((r) => r.method)).toEqual(['GET', 'DELETE'])
  expect(requests).toMatchSnapshot()
})
