// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The prospect's email address. On add, the prospect with this email is found or created; on remove, every prospect with it leaves the list (none is ever created). Pardot matches emails case-sensitively.
   */
  email: string
  /**
   * The static Pardot list to add the prospect to or remove it from (its id). Leave empty for a Segment audience connected to this destination: the audience's own list is used (created, or found by name, when the audience was connected). Dynamic lists are filled by their criteria and cannot be changed through the API.
   */
  listId?: string
  /**
   * Add the prospect to the list or remove it. Leave empty for Segment audiences: the sync mode decides, or else the prospect is added when the event says it entered the audience and removed when it says it exited.
   */
  operation?: string
  /**
   * On add: whether the prospect is opted out of emails sent to this list. An existing membership is left as it is.
   */
  optedOut?: boolean
  /**
   * The key of the Segment audience the event comes from. The event's traits or properties hold it as true (entered) or false (exited).
   */
  computation_key?: string
  /**
   * Where the audience membership is: the traits of an identify event, the properties of a track event.
   */
  traits_or_props?: {
    [k: string]: unknown
  }
  /**
   * The id of the Pardot list made for the event's audience when the audience was connected. Used when List is empty.
   */
  external_audience_id?: string
}
