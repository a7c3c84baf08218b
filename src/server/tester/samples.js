// Sample events shaped as Segment delivers them, so defaults that read messageId, timestamp or
// context (Send External Activity's value is the messageId) work on them as on real traffic.

// randomUUID exists only in a secure context; a tester opened over a LAN address is not one.
const uuid = () =>
  globalThis.crypto && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`

const CONTEXT = {
  library: { name: 'analytics.js', version: 'next-1.72.0' },
  ip: '203.0.113.24',
  locale: 'en-US',
  userAgent:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'
}

const SAMPLES = {
  'Identify with traits': {
    type: 'identify',
    userId: 'user-1001',
    anonymousId: '5f0e3c1a-8d7b-4f2e-9a61-0c4b7e2d9f10',
    traits: {
      email: 'ann.lee@example.com',
      first_name: 'Ann',
      last_name: 'Lee',
      title: 'CTO',
      company: 'Acme Corp',
      phone: '+1 415 555 0100'
    }
  },
  'Identify with an address': {
    type: 'identify',
    userId: 'user-1002',
    anonymousId: '9b2d6e4f-1a3c-4e5b-8f70-2d1c9a6b3e42',
    traits: {
      email: 'bo.chen@example.com',
      first_name: 'Bo',
      last_name: 'Chen',
      address: { city: 'Austin', state: 'TX', postal_code: '78701', country: 'USA' }
    }
  },
  'Track with properties': {
    type: 'track',
    event: 'Demo Requested',
    userId: 'user-1003',
    anonymousId: 'c47a1e0b-6f2d-4b8a-93e5-7d0f1b2c6a58',
    properties: { email: 'cara.diaz@example.com', first_name: 'Cara', company: 'Globex', title: 'VP Sales' }
  },
  'Missing email': {
    type: 'identify',
    userId: 'user-1004',
    anonymousId: 'e81f5b2c-3d9a-4c7e-b046-5a2e8d1f7c93',
    traits: { first_name: 'Dan', company: 'Initech' }
  }
}

export const SAMPLE_NAMES = Object.keys(SAMPLES)

/** The sample as a new event: its own messageId and the time it is picked, as each real event has. */
export function sample(name) {
  const { type, event, userId, anonymousId, ...rest } = SAMPLES[name]
  return {
    type,
    event,
    userId,
    anonymousId,
    messageId: `ajs-next-${uuid()}`,
    timestamp: new Date().toISOString(),
    ...rest,
    context: CONTEXT
  }
}
