/**
 * Per-event CPU cost of the prospects action: events/second through Destination.onEvent, the network stubbed
 * in-process, so the figure is the engine plus our mapping, validation and request building.
 */
import { Destination, Response, type DestinationDefinition, type JSONObject } from '@segment/actions-core'
import { defaultMapping, withStubbedPardot } from '../segment'

async function stubbedPardot(request: Request): Promise<Response> {
  await request.text()
  return new Response(JSON.stringify({ id: 1 }), { status: 201, headers: { 'content-type': 'application/json' } })
}

/** CPU-seconds (user + system) per event, turned into events per CPU-second: waiting on sockets does not count. */
export async function eventsPerSecond(
  definition: DestinationDefinition<unknown>,
  events: number,
  mapping: JSONObject = defaultMapping(definition)
): Promise<number> {
  const destination = new Destination(definition)
  const settings = {
    businessUnitID: '0Uv000000000001AAA',
    accountID: '1',
    isSandbox: false,
    subscription: { subscribe: 'type = "identify"', partnerAction: 'prospects', mapping },
    oauth: { access_token: 'tok' }
  } as unknown as JSONObject
  const event = (i: number) =>
    ({
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
    }) as never
  return withStubbedPardot(stubbedPardot, async () => {
    for (let i = 0; i < 500; i++) await destination.onEvent(event(i), settings) // warm-up
    const before = process.cpuUsage()
    for (let i = 0; i < events; i++) await destination.onEvent(event(i), settings)
    const used = process.cpuUsage(before)
    return events / ((used.user + used.system) / 1e6)
  })
}
