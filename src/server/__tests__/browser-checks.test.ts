import type { IncomingMessage } from 'node:http'
import { browserRefusal, escapeControl, type CallerPolicy } from '../security'

/** The Host and Origin checks and log escaping, case by case. */

const PORT = 3000
const policy: CallerPolicy = { target: 'sandbox', host: '127.0.0.1', allowedHosts: ['pardot.example.test'] }
const request = (headers: Record<string, string>) => ({ method: 'GET', headers }) as unknown as IncomingMessage
const status = (headers: Record<string, string>) => browserRefusal(request(headers), policy, false, PORT)?.status

describe('the Host check', () => {
  it('serves this server’s names on its own port, or with no port at all', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000', 'localhost', '127.0.0.1']) {
      expect([host, status({ host })]).toEqual([host, undefined])
    }
  })

  it('answers 421 to this server’s names on another port, and to a malformed Host', () => {
    for (const host of ['localhost:1234', '127.0.0.1:80', '[::1]:1', 'localhost:abc', '[::1]x', 'evil.example:3000']) {
      expect([host, status({ host })]).toEqual([host, 421])
    }
  })

  it('serves a proxy’s public name on whatever port the proxy forwards', () => {
    for (const host of ['pardot.example.test', 'pardot.example.test:443', 'pardot.example.test:8443']) {
      expect(status({ host })).toBeUndefined()
    }
  })
})

describe('the Origin check', () => {
  it('takes its own origin, with a default port written or not', () => {
    expect(status({ host: 'localhost:3000', origin: 'http://localhost:3000' })).toBeUndefined()
    const onPort80 = request({ host: 'localhost:80', origin: 'http://localhost' })
    expect(browserRefusal(onPort80, policy, false, 80)).toBeUndefined()
    expect(status({ host: 'pardot.example.test', origin: 'https://pardot.example.test' })).toBeUndefined()
    expect(status({ host: 'pardot.example.test:443', origin: 'https://pardot.example.test' })).toBeUndefined()
  })

  it('refuses another scheme or port on the same host: https to this plain-HTTP server, or another port', () => {
    expect(status({ host: '127.0.0.1:3000', origin: 'https://127.0.0.1:3000' })).toBe(403)
    expect(status({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3001' })).toBe(403)
    expect(status({ host: 'localhost:3000', origin: 'http://localhost' })).toBe(403)
    expect(status({ host: 'pardot.example.test', origin: 'http://evil.example' })).toBe(403)
    expect(status({ host: 'localhost:3000', origin: 'null' })).toBe(403)
  })
})

describe('escapeControl', () => {
  it('escapes line and paragraph separators and bidi controls, which can forge or reverse a log line', () => {
    const line = 'a\u2028b\u2029c\u202Ed\u2066e\u200Ff\nfake\u{E0041}'
    expect(escapeControl(line)).toBe('a\\u2028b\\u2029c\\u202ed\\u2066e\\u200ff\\nfake\\u{e0041}')
    expect(escapeControl('plain text, é and 日本')).toBe('plain text, é and 日本')
  })
})
