/**
 * What every script does with its command line: `--help` prints its usage, and a flag it does not know, or a bad
 * value, prints why and exits 1 before anything runs.
 */
import { readFlags, type FlagSpec } from '../src/cli-flags'

export type FlagValues<T extends FlagSpec> = ReturnType<typeof readFlags<T>>

/** `read` turns the flags' text into the script's options (numbers checked with `parseNumber`). */
export function scriptOptions<T extends FlagSpec, O>(
  flags: T,
  usage: string,
  read: (values: FlagValues<T>) => O,
  argv: string[] = process.argv.slice(2)
): O {
  if (argv.includes('--help')) {
    console.log(usage)
    process.exit(0)
  }
  const names = Object.keys(flags).map((name) => `--${name}`)
  const use = names.length > 0 ? `use ${names.join(', ')} (--help says what each does)` : 'it takes no flags'
  try {
    return read(readFlags(argv, flags, use))
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
}
