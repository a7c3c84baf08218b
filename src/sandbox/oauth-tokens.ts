import { SANDBOX_DEFAULTS, type ResolvedOptions } from './options'

/** The tokens Salesforce's token endpoint has issued (oauth.ts answers it) and the API's token check reads. */

interface AccessToken {
  expiresAt: number
  refreshToken: string
  /** The token family: every refresh token and access token issued from one authorisation. */
  family: string
}

export interface RefreshTokenGrant {
  clientId: string
  clientSecret: string
  family: string
}

export class OAuthTokens {
  readonly access = new Map<string, AccessToken>()
  readonly refresh = new Map<string, RefreshTokenGrant>()
  /** Refresh tokens replaced by rotation: presenting one again revokes its family, as Salesforce does. */
  readonly rotatedOut = new Map<string, RefreshTokenGrant>()
  /** Refresh tokens being exchanged now: a second exchange of one meanwhile is refused, as Salesforce does. */
  readonly refreshing = new Set<string>()
  private issued = 0

  /** Reads the token lifetime at each issue, so a `configure` applies to the next token. */
  constructor(private readonly options: ResolvedOptions) {}

  /** Only the sandbox's default credentials, with a fresh access token. */
  reset(): void {
    this.access.clear()
    this.refresh.clear()
    this.refreshing.clear()
    this.rotatedOut.clear()
    this.refresh.set(SANDBOX_DEFAULTS.refreshToken, {
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret,
      family: 'default'
    })
    this.access.set(SANDBOX_DEFAULTS.accessToken, {
      expiresAt: Date.now() + this.options.tokenTtlMs,
      refreshToken: SANDBOX_DEFAULTS.refreshToken,
      family: 'default'
    })
  }

  issueAccessToken(refreshToken: string): { token: string; expiresAt: number } {
    const token = `sandbox-at-${++this.issued}-${Math.random().toString(36).slice(2, 10)}`
    const expiresAt = Date.now() + this.options.tokenTtlMs
    const family = this.refresh.get(refreshToken)?.family ?? refreshToken
    this.access.set(token, { expiresAt, refreshToken, family })
    return { token, expiresAt }
  }

  /** Ends every access token now, as if they had all expired. */
  expireAccessTokens(): void {
    for (const token of this.access.values()) token.expiresAt = 0
  }

  isValidAccessToken(token: string): boolean {
    const found = this.access.get(token)
    return found !== undefined && found.expiresAt > Date.now()
  }
}
