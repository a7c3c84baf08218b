import type { FaultOptions, SandboxOptions } from './options'

/** A `/sandbox/config` value the sandbox cannot use, named by its field. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string
  ) {
    super(message)
  }
}

type Rule = [check: (value: unknown) => boolean, wording: string]

const number = (test: (v: number) => boolean) => (v: unknown) => typeof v === 'number' && test(v)
const WHOLE_FROM_0: Rule = [number((v) => Number.isInteger(v) && v >= 0), 'a whole number ≥ 0']
const WHOLE_FROM_1: Rule = [number((v) => Number.isInteger(v) && v >= 1), 'a whole number ≥ 1']
const SHARE: Rule = [number((v) => v >= 0 && v <= 1), 'a number from 0 to 1']
const HOUR_MS = 60 * 60 * 1000
const MS: Rule = [
  number((v) => Number.isInteger(v) && v >= 0 && v <= 10 * 60 * 1000),
  'whole milliseconds from 0 to 600000'
]
const BOOLEAN: Rule = [(v) => typeof v === 'boolean', 'true or false']

const OPTION_RULES: Record<keyof Omit<SandboxOptions, 'faults'>, Rule> = {
  tokenTtlMs: [
    number((v) => Number.isInteger(v) && v >= 1 && v <= 24 * HOUR_MS),
    'whole milliseconds from 1 to 86400000'
  ],
  refreshDelayMs: MS,
  maxConcurrent: WHOLE_FROM_1,
  dailyQuota: WHOLE_FROM_0,
  latencyMs: MS,
  rotateRefreshTokens: BOOLEAN,
  importDelayMs: MS,
  importsRequireCampaign: BOOLEAN
}
const FAULT_RULES: Record<keyof FaultOptions, Rule> = {
  rate5xx: SHARE,
  rate66: SHARE,
  rateSlow: SHARE,
  slowMs: MS,
  rateImportFailed: SHARE,
  seed: [number(Number.isSafeInteger), 'a whole number']
}

/**
 * What a `/sandbox/config` body asks for, every value checked: a wrong one (`maxConcurrent: "abc"` would make every
 * later call answer code 66) is refused with its field, and nothing changes. No body at all means no change.
 */
export function checkConfig(body: unknown): Partial<SandboxOptions> {
  if (body === undefined) return {}
  const object = (value: unknown, field: string): Record<string, unknown> => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
    throw new ConfigError(field, `"${field}" must be a JSON object.`)
  }
  const checked = <K extends string>(value: Record<string, unknown>, rules: Record<K, Rule>, prefix: string) => {
    const out: Partial<Record<K, unknown>> = {}
    for (const [key, item] of Object.entries(value)) {
      const field = `${prefix}${key}`
      if (!Object.hasOwn(rules, key)) {
        throw new ConfigError(field, `"${field}" is not a setting; use ${Object.keys(rules).join(', ')}.`)
      }
      const [check, wording] = rules[key as K]
      if (!check(item)) throw new ConfigError(field, `"${field}" must be ${wording}.`)
      out[key as K] = item
    }
    return out
  }
  const { faults, ...rest } = object(body, 'body')
  // Each value passed its rule, which is what its type asks for.
  const options = checked(rest, OPTION_RULES, '') as Partial<SandboxOptions>
  if (faults !== undefined) options.faults = checked(object(faults, 'faults'), FAULT_RULES, 'faults.') as FaultOptions
  return options
}
