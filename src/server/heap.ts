import { setFlagsFromString } from 'node:v8'

/**
 * How far V8 lets the heap grow past what the last full collection kept, in percent. Left to itself, V8 grows it up
 * to 4× when collections are cheap next to the work, which they are here: one 100,000-event call's garbage (each
 * chunk's mapped payloads, CSV and answers) then piles up to several hundred MB before a full collection, though
 * what is alive at any time stays near the five chunks in flight. 25% keeps the peak near that live set
 * (docs/benchmarks.md, "Memory") for a few more collections, run mostly off the main thread.
 */
export const HEAP_GROWING_PERCENT = 25

/**
 * Sets the heap's growth for a process that runs the server (`npm start`, the bench's server processes). Not done by
 * `startLocalServer`: the flag is the whole process's, and an application embedding the server keeps its own.
 */
export function boundHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`)
}
