/** A plain object (not null, not an array): what a parsed JSON body must be before its properties are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
