/**
 * The Pardot (Account Engagement) API version every request path is built with, as Segment's destinations keep theirs
 * in `versioning-info.ts`: moving to a new version starts here, and the snapshot tests show every path it changes.
 * v5 is the current version; v3 and v4 are the older XML/JSON APIs with other request shapes.
 */
export const PARDOT_API_VERSION = 'v5'

/** The path prefix of every Pardot API call: `/api/v5`. */
export const PARDOT_API_PREFIX = `/api/${PARDOT_API_VERSION}`
