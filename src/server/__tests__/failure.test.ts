import { failure } from '../outcomes'

/** failure(): what a thrown value becomes in an answer. */
describe('failure', () => {
  const secret = 'tok/en secret'

  it('redacts a secret in every form the answer redacts it, URL-encoded included', () => {
    const error = Object.assign(new Error(`refused refresh_token=${encodeURIComponent(secret)} for ${secret}`), {
      status: 400
    })
    const report = failure(error, [secret])
    expect(report.message).toBe('refused refresh_token=[redacted] for [redacted]')
    expect(report).toMatchObject({ status: 400, retryable: false })
  })

  it('never throws, whatever was thrown', () => {
    const hostile = [
      Object.create(null) as unknown,
      {
        toString() {
          throw new Error('no')
        }
      },
      Object.defineProperty({}, 'message', {
        get() {
          throw new Error('no')
        }
      }),
      { status: { valueOf: () => Symbol('x') } },
      Symbol('thrown'),
      undefined,
      null
    ]
    for (const error of hostile) {
      expect(() => failure(error, [secret])).not.toThrow()
      expect(failure(error, [secret])).toMatchObject({
        status: expect.any(Number) as number,
        message: expect.any(String) as string
      })
    }
    expect(failure(Object.create(null), []).status).toBe(500)
    expect(failure('plain text', []).message).toBe('plain text')
  })
})
