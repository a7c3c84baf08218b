import { snapshotRequests } from '../../__tests__/snapshot-helper'

it('Send External Activity sends one external activity', async () => {
  const requests = await snapshotRequests('externalActivity')
  expect(requests).toHaveLength(1)
  expect(requests).toMatchSnapshot()
})
