import { backoff, ConcurrencyLimiter, DeadlineExceeded, DEFAULT_RETRY } from '../limiter'

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('ConcurrencyLimiter', () => {
  it('runs at most `max` tasks per key and starts the others first come, first served', async () => {
    const limiter = new ConcurrencyLimiter(2)
    const started: number[] = []
    const finish: (() => void)[] = []
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      limiter.run('bu', () => {
        started.push(n)
        return new Promise<void>((resolve) => finish.push(resolve))
      })
    )
    await tick()
    expect(started).toEqual([0, 1])
    finish[1]()
    await tick()
    expect(started).toEqual([0, 1, 2])
    expect(limiter.inFlight('bu')).toBe(2)
    finish[0]()
    finish[2]()
    await tick()
    expect(started).toEqual([0, 1, 2, 3, 4])
    finish[3]()
    finish[4]()
    await Promise.all(tasks)
    expect(limiter.inFlight('bu')).toBe(0)
  })

  it('lets callers take turns, so one caller with many tasks cannot hold back another', async () => {
    const limiter = new ConcurrencyLimiter(1)
    const started: string[] = []
    const finish: (() => void)[] = []
    const task = (name: string) => () => {
      started.push(name)
      return new Promise<void>((resolve) => finish.push(resolve))
    }
    const big = ['a1', 'a2', 'a3', 'a4'].map((name) => limiter.run('bu', task(name), undefined, 'A'))
    await tick()
    const small = limiter.run('bu', task('b1'), undefined, 'B')
    for (let i = 0; i < 4; i++) {
      finish[i]()
      await tick()
    }
    finish[4]()
    await Promise.all([...big, small])
    // a1 held the slot; a2 was next in line; then B's turn came before a3 and a4.
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3', 'a4'])
    expect(limiter.inFlight('bu')).toBe(0)
  })

  it('keeps business units apart', async () => {
    const limiter = new ConcurrencyLimiter(1)
    let release: () => void = () => undefined
    const a = limiter.run('a', () => new Promise<void>((resolve) => (release = resolve)))
    await expect(limiter.run('b', () => Promise.resolve('b ran'))).resolves.toBe('b ran')
    release()
    await a
  })

  it('frees the slot when a task fails', async () => {
    const limiter = new ConcurrencyLimiter(1)
    await expect(limiter.run('bu', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(limiter.run('bu', () => Promise.resolve(1))).resolves.toBe(1)
  })

  it('refuses a limit below 1', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow('The concurrency limit must be a whole number ≥ 1, not 0.')
  })
})

describe('pausing a business unit', () => {
  it('holds new tasks of that business unit only, until the pause ends', async () => {
    const limiter = new ConcurrencyLimiter(5)
    limiter.pause('bu', 80)
    const began = Date.now()
    await expect(limiter.run('other', () => Promise.resolve('other ran'))).resolves.toBe('other ran')
    expect(Date.now() - began).toBeLessThan(40)
    await limiter.run('bu', () => Promise.resolve())
    expect(Date.now() - began).toBeGreaterThanOrEqual(75)
    expect(limiter.pauseLeft('bu')).toBe(0)
  })
})

describe('a deadline', () => {
  it('takes a task that is still in line at its deadline out of the line, and the slot goes to the next', async () => {
    const limiter = new ConcurrencyLimiter(1)
    let finish: () => void = () => undefined
    const first = limiter.run('bu', () => new Promise<void>((resolve) => (finish = resolve)))
    const late = limiter.run('bu', () => Promise.resolve('ran'), Date.now() + 30)
    const patient = limiter.run('bu', () => Promise.resolve('patient ran'))
    await expect(late).rejects.toEqual(new DeadlineExceeded('queued'))
    finish()
    await first
    await expect(patient).resolves.toBe('patient ran')
    expect(limiter.inFlight('bu')).toBe(0)
  })

  it('gives up at once when a pause would outlast the deadline, freeing the slot', async () => {
    const limiter = new ConcurrencyLimiter(1)
    limiter.pause('bu', 10_000)
    let ran = false
    const task = () => {
      ran = true
      return Promise.resolve()
    }
    await expect(limiter.run('bu', task, Date.now() + 50)).rejects.toBeInstanceOf(DeadlineExceeded)
    expect(ran).toBe(false)
    expect(limiter.inFlight('bu')).toBe(0)
  })

  it('lets a task run when its slot and the end of the pause come before the deadline', async () => {
    const limiter = new ConcurrencyLimiter(1)
    limiter.pause('bu', 20)
    await expect(limiter.run('bu', () => Promise.resolve('ran'), Date.now() + 5000)).resolves.toBe('ran')
  })
})

describe('backoff', () => {
  it('doubles each step up to the cap, with half of it random', () => {
    expect([1, 2, 3, 10].map((n) => backoff(DEFAULT_RETRY, n, () => 0))).toEqual([125, 250, 500, 4000])
    expect([1, 2, 3, 10].map((n) => backoff(DEFAULT_RETRY, n, () => 1))).toEqual([250, 500, 1000, 8000])
  })
})
