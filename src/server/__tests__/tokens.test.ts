import type { RefreshAccessTokenResult } from '@segment/actions-core'
import { TokenStore } from '../tokens'

const FOLLOW = { followRotation: true }

const CLIENT = { clientId: 'c', clientSecret: 's' }

/** An exchange that records the refresh tokens it was asked to send, and answers from `answers` in turn. */
function exchanger(...answers: RefreshAccessTokenResult[]) {
  const sent: string[] = []
  const exchange = (refreshToken: string) => {
    sent.push(refreshToken)
    const answer = answers.shift()
    return answer ? Promise.resolve(answer) : Promise.reject(new Error('no more answers'))
  }
  return { sent, exchange }
}

describe('TokenStore', () => {
  it('never sends a refresh token it already exchanged: the rotated-out token gets the newest tokens', async () => {
    const store = new TokenStore()
    const { sent, exchange } = exchanger(
      { accessToken: 'a1', refreshToken: 'r1' },
      { accessToken: 'a2', refreshToken: 'r2' }
    )
    expect(await store.refresh({ ...CLIENT, accessToken: 'a0', refreshToken: 'r0' }, exchange, FOLLOW)).toEqual({
      accessToken: 'a1',
      refreshToken: 'r1'
    })
    // A late 401 of an event that still held r0: answered from the store, r0 is not sent again.
    expect(await store.refresh({ ...CLIENT, accessToken: 'a0', refreshToken: 'r0' }, exchange, FOLLOW)).toEqual({
      accessToken: 'a1',
      refreshToken: 'r1'
    })
    // The newest access token itself refused: the newest refresh token is exchanged.
    expect(await store.refresh({ ...CLIENT, accessToken: 'a1', refreshToken: 'r1' }, exchange, FOLLOW)).toEqual({
      accessToken: 'a2',
      refreshToken: 'r2'
    })
    expect(sent).toEqual(['r0', 'r1'])
    expect(store.latest({ ...CLIENT, accessToken: 'a0', refreshToken: 'r0' })).toEqual({
      ...CLIENT,
      accessToken: 'a2',
      refreshToken: 'r2'
    })
  })

  it('shares one exchange between concurrent refreshes of one token', async () => {
    const store = new TokenStore()
    const { sent, exchange } = exchanger({ accessToken: 'a1', refreshToken: 'r1' })
    const held = { ...CLIENT, accessToken: 'a0', refreshToken: 'r0' }
    const answers = await Promise.all([store.refresh(held, exchange, FOLLOW), store.refresh(held, exchange, FOLLOW)])
    expect(answers).toEqual([
      { accessToken: 'a1', refreshToken: 'r1' },
      { accessToken: 'a1', refreshToken: 'r1' }
    ])
    expect(sent).toEqual(['r0'])
  })

  it('without rotation, exchanges the same refresh token again once the new access token is refused', async () => {
    const store = new TokenStore()
    const { sent, exchange } = exchanger({ accessToken: 'a1' }, { accessToken: 'a2' })
    await store.refresh({ ...CLIENT, accessToken: 'a0', refreshToken: 'r' }, exchange, FOLLOW)
    expect(store.latest({ ...CLIENT, accessToken: 'a0', refreshToken: 'r' })).toMatchObject({ accessToken: 'a1' })
    await store.refresh({ ...CLIENT, accessToken: 'a1', refreshToken: 'r' }, exchange, FOLLOW)
    expect(sent).toEqual(['r', 'r'])
  })

  it('remembers nothing of a failed exchange, and keeps families of other clients apart', async () => {
    const store = new TokenStore()
    const failing = exchanger()
    await expect(
      store.refresh({ ...CLIENT, accessToken: 'a0', refreshToken: 'r0' }, failing.exchange, FOLLOW)
    ).rejects.toThrow()
    expect(store.latest({ ...CLIENT, refreshToken: 'r0' })).toEqual({ ...CLIENT, refreshToken: 'r0' })
    const { exchange } = exchanger({ accessToken: 'a1', refreshToken: 'r1' })
    await store.refresh({ ...CLIENT, accessToken: 'a0', refreshToken: 'r0' }, exchange, FOLLOW)
    const other = { clientId: 'c', clientSecret: 'other', refreshToken: 'r0' }
    expect(store.latest(other)).toEqual(other)
  })

  it('refuses a rotated-out token to a caller it does not trust: nothing sent, no tokens handed out', async () => {
    const store = new TokenStore()
    const { sent, exchange } = exchanger({ accessToken: 'a1', refreshToken: 'r1' }, { accessToken: 'a2' })
    await store.refresh({ ...CLIENT, accessToken: 'a0', refreshToken: 'r0' }, exchange, FOLLOW)
    const refused = store.refresh({ ...CLIENT, refreshToken: 'r0' }, exchange, { followRotation: false })
    await expect(refused).rejects.toMatchObject({
      status: 409,
      code: 'REFRESH_TOKEN_ALREADY_EXCHANGED',
      message:
        'This refresh token was already exchanged: the connected app rotates refresh tokens, so it no longer works, and sending it to Salesforce again would revoke the connection. Use the newest refresh token (from the refresh that replaced it), or send the connected app’s client secret with the tokens, or reconnect.'
    })
    // The newest refresh token itself is exchanged as usual.
    expect(await store.refresh({ ...CLIENT, refreshToken: 'r1' }, exchange, { followRotation: false })).toEqual({
      accessToken: 'a2'
    })
    expect(sent).toEqual(['r0', 'r1'])
  })
})
