import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { DeliveryReport } from '../deliver'

export type Answer = DeliveryReport & Record<string, unknown>

/** The sandbox's tokens and client, as a caller that connected with them sends them in `auth`. */
export const CALLER_AUTH = {
  accessToken: SANDBOX_DEFAULTS.accessToken,
  refreshToken: SANDBOX_DEFAULTS.refreshToken,
  clientId: SANDBOX_DEFAULTS.clientId,
  clientSecret: SANDBOX_DEFAULTS.clientSecret
}

/** POSTs a JSON body (a string is sent as it is) to the local server: the answer's status, text and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<{ status: number; text: string; body: Answer }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, text, body: JSON.parse(text) as Answer }
}
