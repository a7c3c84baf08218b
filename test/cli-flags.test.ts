import { parseNumber, parseNumberList, readFlags } from '../src/cli-flags'

/** The flags of `npm start` and the scripts: what `src/server/__tests__/config.test.ts` does not already show. */

const FLAGS = { events: { type: 'string' }, batch: { type: 'boolean' } } as const
const USE = 'use --events or --batch'

describe('readFlags', () => {
  it('reads --name value, --name=value and switches', () => {
    expect(readFlags(['--events', '10', '--batch'], FLAGS, USE)).toEqual({ events: '10', batch: true })
    expect(readFlags(['--events=10'], FLAGS, USE)).toEqual({ events: '10' })
    expect(readFlags([], FLAGS, USE)).toEqual({})
  })

  it('keeps a negative number as the value, for the number check to refuse by name', () => {
    expect(readFlags(['--events', '-5'], FLAGS, USE)).toEqual({ events: '-5' })
  })

  it.each([
    [['--evnts', '10'], 'Unknown flag --evnts; use --events or --batch.'],
    [['-e', '10'], 'Unknown flag -e; use --events or --batch.'],
    [['10'], 'Unexpected argument "10"; use --events or --batch.'],
    [['--batch', 'yes'], 'Unexpected argument "yes"'],
    [['--batch=yes'], "Option '--batch' does not take an argument"],
    [['--events'], "Option '--events <value>' argument missing"]
  ])('refuses %j', (argv, message) => {
    expect(() => readFlags(argv, FLAGS, USE)).toThrow(message)
  })
})

describe('parseNumber', () => {
  it('reads digits, with a decimal point unless whole numbers are asked for', () => {
    expect(parseNumber('--events', '5000', { integer: true, min: 1 })).toBe(5000)
    expect(parseNumber('--row-errors', '0.02', { max: 1 })).toBe(0.02)
    expect(parseNumberList('--sizes', '10000,100000', { integer: true, min: 1 })).toEqual([10000, 100000])
  })

  it.each([
    ['5k', { integer: true, min: 1 }, '--events "5k" is not a whole number of at least 1.'],
    ['', { integer: true }, '--events "" is not a whole number of at least 0.'],
    ['-1', {}, '--events "-1" is not a number of at least 0.'],
    ['2.5', { integer: true, min: 1, max: 5 }, '--events "2.5" is not a whole number from 1 to 5.'],
    ['1e3', { integer: true }, '--events "1e3" is not a whole number of at least 0.'],
    ['0x10', {}, '--events "0x10" is not a number of at least 0.'],
    ['NaN', {}, '--events "NaN" is not a number of at least 0.'],
    ['0', { aboveMin: true }, '--events "0" is not a number above 0.'],
    ['9', { max: 5, expected: 'a small number', note: 'why' }, '--events "9" is not a small number (why).']
  ])('refuses %j under %j', (text, rule, message) => {
    expect(() => parseNumber('--events', text, rule)).toThrow(message)
  })

  it('names the bad item of a list', () => {
    expect(() => parseNumberList('--sizes', '100,x', { integer: true, min: 1 })).toThrow(
      '--sizes "x" is not a whole number of at least 1.'
    )
  })
})
