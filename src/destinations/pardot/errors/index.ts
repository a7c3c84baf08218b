/**
 * Everything about Pardot's failure answers, by concern: the code table as data (table.ts), reading an answer
 * (answer.ts), classifying it into an actions-core error (classify.ts), OAuth refresh answers (oauth.ts) and
 * keeping secrets out of messages (redact.ts). A new Pardot error code is a row of table.ts (with its source in
 * docs/pardot-api.md and a test row in __tests__/errors.test.ts); then run `npm run docs:errors` and commit
 * docs/error-codes.md, or CI's `--check` fails. A fix that only one action can give is that action's `AnswerHint`.
 */
export { PARDOT_ERROR_TABLE, type Handling } from './table'
export { pardotCode, pardotCodeIn, readPardotAnswer, type PardotAnswer } from './answer'
export {
  handlingOf,
  isNotFound,
  pardotAnswerToError,
  toPardotError,
  type AnswerHint,
  type RequestContext
} from './classify'
export { oauthAnswerToError } from './oauth'
export { redact } from './redact'
