import { snapshotRequests } from '../../__tests__/snapshot-helper'

it('Upsert Prospect sends one upsert by email with every generated field', async () => {
  // Pardot ID and Salesforce ID would make it an update by id, pinned in prospects-matching.test.ts; batching is
  // the Import API, pinned in batch.test.ts.
  // The seeds of the other actions all picked a demo host (sandbox or developer org); this one pins production.
  const requests = await snapshotRequests('prospects', {
    skip: ['prospectId', 'salesforceId', 'enable_batching'],
    settings: { isSandbox: false, isDeveloperOrg: false }
  })
  expect(requests).toHaveLength(1)
  expect(requests).toMatchSnapshot()
})

it('Upsert Prospect with the required fields only sends the email and the deleted search setting alone', async () => {
  const requests = await snapshotRequests('prospects', { requiredOnly: true, variant: 'required' })
  expect(requests).toHaveLength(1)
  expect(requests).toMatchSnapshot()
})
