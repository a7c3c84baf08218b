import { createHash } from 'node:crypto'
import { IntegrationError, type DestinationDefinition, type RefreshAccessTokenResult } from '@segment/actions-core'

/** The tokens a caller holds, as the server hands them to the engine. */
export interface HeldTokens {
  accessToken?: string
  refreshToken?: string
  clientId?: string
  clientSecret?: string
}

/**
 * What each refresh token was exchanged for, so the local server follows Salesforce's refresh-token rotation
 * (docs/pardot-api.md, "OAuth"): a connected app that rotates answers every refresh with a new refresh token, the one
 * sent stops working, and sending it again revokes the whole token family (the user must reconnect). So:
 *
 * - a refresh token this server has exchanged is never sent again;
 * - concurrent refreshes of one token share one exchange, so Salesforce never sees the same token twice at once;
 * - a trusted caller (one that proved it holds the client secret) that presents an older token of a family is
 *   served with the family's newest tokens: `latest()` before a call, `followRotation` on a late 401;
 * - anyone else presenting a rotated-out refresh token is refused (`RefreshTokenExchanged`). Handing them the newest
 *   tokens would defeat what Salesforce's reuse detection is for: an old, leaked refresh token must not be worth
 *   anything.
 *
 * Entries are keyed by a hash of the client credentials and the refresh token. Held in memory only, at most `limit`
 * entries (the oldest go first).
 */
export class TokenStore {
  private readonly exchanged = new Map<string, RefreshAccessTokenResult>()
  private readonly inFlight = new Map<string, Promise<RefreshAccessTokenResult>>()

  constructor(private readonly limit = 10_000) {}

  /**
   * The newest tokens of the family `held` belongs to (`held` itself when this server never refreshed it). Only for a
   * trusted caller: it turns an old refresh token into the newest ones.
   */
  latest<T extends HeldTokens>(held: T): T {
    let current: T = held
    const seen = new Set<string>()
    while (current.refreshToken) {
      const id = key(current, current.refreshToken)
      const answer = seen.has(id) ? undefined : this.exchanged.get(id)
      if (!answer) break
      seen.add(id)
      current = {
        ...current,
        accessToken: answer.accessToken,
        refreshToken: answer.refreshToken ?? current.refreshToken
      }
      // Not rotated: the same refresh token stays valid, and this answer is the newest.
      if (!answer.refreshToken) break
    }
    return current
  }

  /**
   * Refreshes `held` through `exchange`, which sends the refresh token it is given. The exchange is skipped when
   * this server already holds newer tokens than `held`: its refresh token was rotated out (sending it would revoke
   * the family), or its access token was already replaced. A rotated-out token is then answered with the family's
   * newest tokens only when `followRotation` (a trusted caller whose call raced another's refresh); otherwise it is
   * refused with `RefreshTokenExchanged`.
   *
   * The newest tokens handed back are those of the family's last exchange: a trusted call looks them up when it
   * starts, so newer ones exist only when another call refreshed meanwhile, and they are fresh. Were they expired
   * all the same, the engine's retry answers 401 and the next call exchanges them.
   */
  async refresh(
    held: HeldTokens,
    exchange: (refreshToken: string) => Promise<RefreshAccessTokenResult>,
    { followRotation }: { followRotation: boolean }
  ): Promise<RefreshAccessTokenResult> {
    const current = this.latest(held)
    const rotatedOut = current.refreshToken !== held.refreshToken
    if (rotatedOut && !followRotation) throw new RefreshTokenExchanged()
    const replaced = Boolean(held.accessToken) && current.accessToken !== held.accessToken
    if ((rotatedOut || replaced) && current.accessToken) {
      return { accessToken: current.accessToken, refreshToken: current.refreshToken }
    }
    const refreshToken = current.refreshToken ?? ''
    const id = key(current, refreshToken)
    const running = this.inFlight.get(id)
    if (running) return running
    const started = exchange(refreshToken).then((answer) => {
      this.remember(id, answer)
      return answer
    })
    this.inFlight.set(id, started)
    try {
      return await started
    } finally {
      this.inFlight.delete(id)
    }
  }

  private remember(id: string, answer: RefreshAccessTokenResult): void {
    this.exchanged.delete(id)
    this.exchanged.set(id, answer)
    while (this.exchanged.size > this.limit) {
      const oldest = this.exchanged.keys().next().value
      if (oldest === undefined) break
      this.exchanged.delete(oldest)
    }
  }
}

/**
 * A refresh token this server already exchanged under rotation, presented by a caller it does not trust: neither
 * sent to Salesforce (that would revoke the connection) nor answered with the newest tokens. No token in the words.
 */
export class RefreshTokenExchanged extends IntegrationError {
  constructor() {
    super(
      'This refresh token was already exchanged: the connected app rotates refresh tokens, so it no longer works, and sending it to Salesforce again would revoke the connection. Use the newest refresh token (from the refresh that replaced it), or send the connected app’s client secret with the tokens, or reconnect.',
      'REFRESH_TOKEN_ALREADY_EXCHANGED',
      409
    )
  }
}

function key(client: HeldTokens, refreshToken: string): string {
  return createHash('sha256')
    .update([client.clientId ?? '', client.clientSecret ?? '', refreshToken].join('\0'))
    .digest('hex')
}

/**
 * The destination with its token refresh going through `store`; everything else is the definition as it is.
 * `followRotation`: whether a rotated-out refresh token gets the family's newest tokens (trusted callers only).
 */
export function withTokenStore<S>(
  definition: DestinationDefinition<S>,
  store: TokenStore,
  { followRotation }: { followRotation: boolean }
): DestinationDefinition<S> {
  const authentication = definition.authentication
  if (authentication?.scheme !== 'oauth2' || !authentication.refreshAccessToken) return definition
  const refreshAccessToken = authentication.refreshAccessToken
  return {
    ...definition,
    authentication: {
      ...authentication,
      refreshAccessToken: (request, { settings, auth }) =>
        store.refresh(
          auth,
          (refreshToken) => refreshAccessToken(request, { settings, auth: { ...auth, refreshToken } }),
          { followRotation }
        )
    }
  }
}
