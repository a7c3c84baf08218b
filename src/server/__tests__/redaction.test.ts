import { redactDeep } from '../exchanges'

describe('redactDeep', () => {
  it('never throws, whatever the secret: "true", "null", a quote, a colon', () => {
    const answer = { ok: true, status: 200, note: null, message: 'said "x": true', list: [1, 'true'] }
    for (const secret of ['true', 'null', '":"', '"ok"', '200,']) {
      expect(() => redactDeep(answer, [secret])).not.toThrow()
    }
    expect(redactDeep(answer, ['true'])).toEqual({
      ok: true,
      status: 200,
      note: null,
      message: 'said "x": [redacted]',
      list: [1, '[redacted]']
    })
  })

  it('hides URL-encoded and form-encoded forms, JSON-escaped forms, keys and numbers equal to a secret', () => {
    const secret = 'a+b/c= d"é'
    const value = {
      url: `https://login.example/token?refresh_token=${encodeURIComponent(secret)}`,
      form: `grant_type=refresh_token&refresh_token=${encodeURIComponent(secret).replace(/%20/g, '+')}`,
      json: JSON.stringify({ token: secret }),
      [secret]: 'as a key',
      plain: `Bearer ${secret}`
    }
    const text = JSON.stringify(redactDeep(value, [secret]))
    expect(text).not.toContain(encodeURIComponent(secret))
    expect(text).not.toContain(encodeURIComponent(secret).replace(/%20/g, '+'))
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1))
    expect(text).not.toContain('a+b/c=')
    expect(redactDeep({ pin: 12345678, ok: true }, ['12345678'])).toEqual({ pin: '[redacted]', ok: true })
  })

  it("hides the form URLSearchParams writes (! ' ( ) ~ escaped), and percent-escapes in either case", () => {
    const secret = "tok!en'(x)~*y/z"
    const form = new URLSearchParams({ refresh_token: secret }).toString()
    expect(form).toBe('refresh_token=tok%21en%27%28x%29%7E*y%2Fz')
    const lower = `refresh_token=${encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`
    const mixed = 'refresh_token=tok%21en%27%28x%29%7e*y%2fz'
    expect(redactDeep({ form, lower, mixed }, [secret])).toEqual({
      form: 'refresh_token=[redacted]',
      lower: 'refresh_token=[redacted]',
      mixed: 'refresh_token=[redacted]'
    })
    // Only the escapes' hex digits match in either case, not the secret's own letters.
    expect(redactDeep('TOK!EN', ['tok!en'])).toBe('TOK!EN')
  })

  it('leaves values alone when no secret is long enough to mean anything', () => {
    const value = { a: 'abc' }
    expect(redactDeep(value, [undefined, 'abc'])).toBe(value)
  })
})

describe('a preview of a redacted answer', () => {
  it('never shows part of a secret that straddles the cut', async () => {
    const { preview } = await import('../preview')
    const secret = 'SECRET-TOKEN-0123456789'
    const text = `${'x'.repeat(9_990)}${secret}${'y'.repeat(100)}`
    const shown = preview(redactDeep({ body: text }, [secret]))
    expect(shown.body).not.toContain('SECRET')
    expect(shown.body).toContain('more characters not shown')
  })
})
