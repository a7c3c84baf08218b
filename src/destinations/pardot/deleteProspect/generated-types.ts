// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * Every prospect with exactly this address is moved to the recycle bin. Pardot matches emails case-sensitively, so `Ann@x.com` does not delete `ann@x.com`.
   */
  email: string
}
