import { ReadCache } from '../read-cache'

const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5))

describe('ReadCache', () => {
  it('shares one read between concurrent callers and answers later ones from memory', async () => {
    const cache = new ReadCache<string>(60_000)
    const load = jest.fn(() => later('value'))
    const seen: boolean[] = []
    const observe = (hit: boolean) => seen.push(hit)
    expect(await Promise.all([cache.get('k', load, observe), cache.get('k', load, observe)])).toEqual([
      'value',
      'value'
    ])
    expect(await cache.get('k', load, observe)).toBe('value')
    expect(load).toHaveBeenCalledTimes(1)
    expect(seen).toEqual([false, true, true])
  })

  it('forgets a failed read at once', async () => {
    const cache = new ReadCache<string>(60_000)
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down')
    expect(cache.size).toBe(0)
    expect(await cache.get('k', () => later('back'))).toBe('back')
  })

  it('reads an expired entry again and replaces it', async () => {
    const now = jest.spyOn(Date, 'now')
    try {
      const cache = new ReadCache<number>(1000)
      now.mockReturnValue(5_000)
      expect(await cache.get('k', () => Promise.resolve(1))).toBe(1)
      now.mockReturnValue(5_999)
      expect(await cache.get('k', () => Promise.resolve(2))).toBe(1)
      now.mockReturnValue(6_000)
      const observe = jest.fn()
      expect(await cache.get('k', () => Promise.resolve(3), observe)).toBe(3)
      expect(observe).toHaveBeenCalledWith(false)
      expect(cache.size).toBe(1)
    } finally {
      now.mockRestore()
    }
  })

  it('stays bounded: beyond max entries the least recently used is dropped', async () => {
    const cache = new ReadCache<string>(60_000, 2)
    await cache.get('a', () => Promise.resolve('a1'))
    await cache.get('b', () => Promise.resolve('b1'))
    await cache.get('a', () => Promise.resolve('unused'))
    await cache.get('c', () => Promise.resolve('c1'))
    expect(cache.size).toBe(2)
    expect(await cache.get('a', () => Promise.resolve('a2'))).toBe('a1')
    expect(await cache.get('b', () => Promise.resolve('b2'))).toBe('b2')
  })

  it('keeps at most 1,000 entries by default', async () => {
    const cache = new ReadCache<number>(60_000)
    for (let i = 0; i < 1500; i++) await cache.get(`unit ${i}`, () => Promise.resolve(i))
    expect(cache.size).toBe(1000)
  })

  it('forgets a deleted key at once', async () => {
    const cache = new ReadCache<string>(60_000)
    await cache.get('k', () => Promise.resolve('old'))
    cache.delete('k')
    expect(await cache.get('k', () => Promise.resolve('new'))).toBe('new')
  })
})
