/** Waits `ms` on the global timer (which jest's fake timers replace): slow answers, latency, a slow token refresh. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
