import { snapshotRequests } from '../../__tests__/snapshot-helper'

it('Delete Prospect finds the prospects with the email, then moves each to the recycle bin', async () => {
  const requests = await snapshotRequests('deleteProspect')
  expect(requests.map((r) => r.method)).toEqual(['GET', 'DELETE'])
  expect(requests).toMatchSnapshot()
})
