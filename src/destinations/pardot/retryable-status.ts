/**
 * The one rule for "will the platform retry this status": 5xx, 408 (timeout), 423 (locked) and 429 (rate limited).
 * Every place that sorts a status into retryable or final asks this.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 423 || status === 429
}
