/** The identify event every CPU bench sends, in-process and over HTTP alike, so their ratio compares like with like. */
export const benchIdentify = (i: number) => ({
  type: 'identify',
  messageId: `m${i}`,
  timestamp: '2026-01-01T00:00:00Z',
  userId: `u${i}`,
  traits: {
    email: `user${i}@example.com`,
    first_name: 'Ann',
    last_name: 'Lee',
    company: 'Acme',
    title: 'CTO',
    address: { city: 'Austin', state: 'TX', postal_code: '78701', country: 'US' }
  }
})
