import { snapshotRequests } from '../../__tests__/snapshot-helper'

it('Send External Activity sends one external activity', async () => {
  const requests = await snapshotRequests('externalActivity')
  expect(requests).toHaveLength(1)
  expect(requests).toMatchSnapshot()
})

it('Send External Activity with the required fields only sends no activity date', async () => {
  const requests = await snapshotRequests('externalActivity', { requiredOnly: true, variant: 'required' })
  expect(requests).toHaveLength(1)
  expect(requests).toMatchSnapshot()
})
