// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The email address of the prospect the activity belongs to. The prospect must exist; if several prospects have the address, Pardot picks the one with the latest activity. Matched case-sensitively.
   */
  email: string
  /**
   * The API name (DeveloperName) of the Marketing App Extension in Salesforce Setup, for example `Segment_Events`. Not its label.
   */
  extension: string
  /**
   * The API name (DeveloperName) of an activity type of that extension, for example `Webinar_Attended`. Not its label.
   */
  type: string
  /**
   * Identifies this activity, at most 100 characters. Automation rules can match on it. Defaults to the event’s messageId.
   */
  value: string
  /**
   * When the activity happened, as an ISO-8601 date-time with an offset; sent to Pardot as the same instant in UTC, in whole seconds (2026-01-31T09:30:00+00:00), the form its documentation shows. Defaults to the event’s timestamp, so an event delivered late (after retries or a pause for the daily limit) keeps the time it happened. Left empty, Pardot dates the activity when it receives it.
   */
  activityDate?: string
}
