/**
 * Command-line flags for `npm start` and the scripts: `node:util` `parseArgs`, with unknown flags and stray
 * arguments refused by name, and numbers read strictly (a typo is an error, never NaN or a silent 0).
 */
import { parseArgs } from 'node:util'

export type FlagSpec = Record<string, { type: 'string'; default?: string } | { type: 'boolean'; default?: boolean }>

/**
 * The flags in `argv`, as `flags` declares them. `usage` ends every refusal, so the operator sees what is known:
 * "use --port or --host", say.
 */
export function readFlags<T extends FlagSpec>(argv: string[], flags: T, usage: string) {
  const args = negativeValuesInline(argv, flags)
  // A first, lenient pass only to name what is wrong in our words; the strict pass below reads the values.
  const { tokens } = parseArgs({ args, options: flags, strict: false, allowPositionals: true, tokens: true })
  for (const token of tokens) {
    if (token.kind === 'positional') throw new Error(`Unexpected argument "${token.value}"; ${usage}.`)
    if (token.kind === 'option' && !Object.hasOwn(flags, token.name)) {
      throw new Error(`Unknown flag ${token.rawName}; ${usage}.`)
    }
  }
  try {
    return parseArgs({ args, options: flags, strict: true, allowPositionals: false }).values
  } catch (error) {
    // A flag missing its value, or a switch given one: parseArgs' own message names the flag.
    throw new Error(`${(error as Error).message}; ${usage}.`)
  }
}

/**
 * parseArgs takes `--port -1` for a flag without its value followed by another flag; a negative number there is
 * a bad value, and is refused as one (with the value in the message) once it is `--port=-1`.
 */
function negativeValuesInline(argv: string[], flags: FlagSpec): string[] {
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined
    const next = argv[i + 1]
    if (name && flags[name]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      args.push(`${argv[i]}=${next}`)
      i++
    } else args.push(argv[i])
  }
  return args
}

export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean
  /** The smallest value taken (default 0: no number here is ever negative). */
  min?: number
  /** Whether `min` itself is refused: a size must be more than 0. */
  aboveMin?: boolean
  max?: number
  /** What a good value is, when "a whole number from 1 to 5" does not say it as well. */
  expected?: string
  /** Said after the rule, in parentheses: why the range, or where the value came from. */
  note?: string
}

/**
 * `text` as a number under `rule`, or an error naming `label` and the bad value: `--events "5k" is not a whole number
 * of at least 1.` Digits only (with a decimal point unless `integer`): no sign, exponent, hex or empty string.
 */
export function parseNumber(label: string, text: string, rule: NumberRule = {}): number {
  const min = rule.min ?? 0
  const shape = rule.integer ? /^\s*\d+\s*$/ : /^\s*\d+(\.\d+)?\s*$/
  const value = shape.test(text) ? Number(text) : NaN
  const fits = (rule.aboveMin ? value > min : value >= min) && value <= (rule.max ?? Infinity)
  if (fits) return value
  const kind = rule.integer ? 'a whole number' : 'a number'
  const range =
    rule.max !== undefined ? ` from ${min} to ${rule.max}` : rule.aboveMin ? ` above ${min}` : ` of at least ${min}`
  const note = rule.note ? ` (${rule.note})` : ''
  throw new Error(`${label} "${text}" is not ${rule.expected ?? kind + range}${note}.`)
}

/** A comma-separated list of numbers under `rule`, each checked as `parseNumber` does: `--sizes 10000,100000`. */
export function parseNumberList(label: string, text: string, rule: NumberRule = {}): number[] {
  return text.split(',').map((item) => parseNumber(label, item, rule))
}
