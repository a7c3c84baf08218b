import { readConfig } from '../config'

describe('operator configuration', () => {
  it('defaults to the embedded sandbox on 127.0.0.1:3000', () => {
    expect(readConfig({}, [])).toEqual({
      target: 'sandbox',
      host: '127.0.0.1',
      port: 3000,
      maxConcurrency: 5,
      allowedHosts: [],
      maxBodyBytes: 50 * 1024 * 1024
    })
  })

  it('reads PARDOT_TARGET, PORT and HOST, and lets flags win', () => {
    expect(readConfig({ PARDOT_TARGET: 'pardot', PORT: '4000', HOST: '0.0.0.0' }, [])).toEqual({
      target: 'pardot',
      host: '0.0.0.0',
      port: 4000,
      maxConcurrency: 5,
      allowedHosts: [],
      maxBodyBytes: 50 * 1024 * 1024
    })
    expect(readConfig({ PORT: '4000' }, ['--port', '5000', '--target=sandbox'])).toMatchObject({
      port: 5000,
      target: 'sandbox'
    })
  })

  it('reads the concurrency from PARDOT_MAX_CONCURRENCY or --max-concurrency, the flag winning', () => {
    expect(readConfig({ PARDOT_MAX_CONCURRENCY: '3' }, []).maxConcurrency).toBe(3)
    expect(readConfig({ PARDOT_MAX_CONCURRENCY: '3' }, ['--max-concurrency', '2']).maxConcurrency).toBe(2)
    expect(readConfig({}, ['--max-concurrency=1']).maxConcurrency).toBe(1)
  })

  it.each([
    [{ PARDOT_MAX_CONCURRENCY: '6' }, [], 'Max concurrency "6" is not a whole number from 1 to 5'],
    [{}, ['--max-concurrency', '0'], 'Max concurrency "0" is not a whole number from 1 to 5'],
    [{}, ['--max-concurrency', '2.5'], 'Max concurrency "2.5" is not a whole number from 1 to 5'],
    [{ PARDOT_MAX_CONCURRENCY: 'many' }, [], 'Max concurrency "many" is not a whole number from 1 to 5'],
    [{ PARDOT_TARGET: 'staging' }, [], 'Target "staging" is not known'],
    [{}, ['--port', 'abc'], 'is not a port number'],
    [{}, ['--verbose', 'x'], 'Unknown flag --verbose'],
    [{}, ['stray'], 'Unexpected argument "stray"']
  ])('refuses %j %j', (env, argv, message) => {
    expect(() => readConfig(env, argv)).toThrow(message)
  })
})

describe('bad numbers and flags', () => {
  it.each([
    [{}, ['--port', 'abc'], 'Port "abc" is not a port number (from --port).'],
    [{}, ['--port', '70000'], 'Port "70000" is not a port number (from --port).'],
    [{}, ['--port=1e3'], 'Port "1e3" is not a port number (from --port).'],
    [{ PORT: '30OO' }, [], 'Port "30OO" is not a port number (from PORT).'],
    [{}, ['--max-body-mb', '-1'], 'Max body "-1" is not a number of megabytes from 0 to 1024 (from --max-body-mb).'],
    [{}, ['--max-body-mb', '0'], 'Max body "0" is not a number of megabytes from 0 to 1024'],
    [{ PARDOT_SERVER_MAX_BODY_MB: 'lots' }, [], 'Max body "lots" is not a number of megabytes from 0 to 1024'],
    [{}, ['--max-concurrency', '-2'], 'Max concurrency "-2" is not a whole number from 1 to 5'],
    [{}, ['--max-concurrency', 'NaN'], 'from --max-concurrency'],
    [{}, ['--prot', '3000'], 'Unknown flag --prot; use --target, --port, --host'],
    [{}, ['-p', '3000'], 'Unknown flag -p'],
    [{}, ['--port'], "Option '--port <value>' argument missing"],
    [{}, ['--port', '3000', 'extra'], 'Unexpected argument "extra"']
  ])('refuses %j %j, saying why', (env, argv, message) => {
    expect(() => readConfig(env, argv)).toThrow(message)
  })

  it('takes decimal megabytes and whitespace around numbers, as before', () => {
    expect(readConfig({}, ['--max-body-mb', '0.5', '--port', ' 8080 ']).maxBodyBytes).toBe(512 * 1024)
    expect(readConfig({ PORT: ' 8080 ' }, []).port).toBe(8080)
  })
})
