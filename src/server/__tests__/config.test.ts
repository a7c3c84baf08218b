import { readConfig } from '../config'

describe('operator configuration', () => {
  it('defaults to the embedded sandbox on 127.0.0.1:3000', () => {
    expect(readConfig({}, [])).toEqual({ target: 'sandbox', host: '127.0.0.1', port: 3000 })
  })

  it('reads PARDOT_TARGET, PORT and HOST, and lets flags win', () => {
    expect(readConfig({ PARDOT_TARGET: 'pardot', PORT: '4000', HOST: '0.0.0.0' }, [])).toEqual({
      target: 'pardot',
      host: '0.0.0.0',
      port: 4000
    })
    expect(readConfig({ PORT: '4000' }, ['--port', '5000', '--target=sandbox'])).toMatchObject({
      port: 5000,
      target: 'sandbox'
    })
  })

  it.each([
    [{ PARDOT_TARGET: 'staging' }, [], 'Target "staging" is not known'],
    [{}, ['--port', 'abc'], 'is not a port number'],
    [{}, ['--verbose', 'x'], 'Unknown flag --verbose'],
    [{}, ['stray'], 'Unexpected argument "stray"']
  ])('refuses %j %j', (env, argv, message) => {
    expect(() => readConfig(env, argv)).toThrow(message)
  })
})
