import nock from 'nock'

// Unit tests never reach a real host; end-to-end tests talk to servers they start on loopback.
nock.disableNetConnect()
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/.test(host))

afterEach(() => {
  nock.cleanAll()
})

// Each test file loads its own nock; the previous file's must let go of http, or it answers for both.
afterAll(() => {
  nock.restore()
})
