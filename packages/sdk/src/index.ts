export { type ApiClient, createApiClient, type ProcedurePath } from "./api.js";
export { parseRetryAfter, retryDelayMs } from "./backoff.js";
export {
  createLoopkit,
  type DeliveryError,
  type ExposureInput,
  type FeedbackInput,
  type LogInput,
  type Loopkit,
  type LoopkitOptions,
  type LoopkitStats,
  type OutgoingEvent,
} from "./client.js";
export { editRatio, type FeedbackHelpers, feedbackHelpers } from "./feedback.js";
export type { ShadowOptions } from "./shadow.js";
export { type FetchLike, LoopkitApiError } from "./transport.js";
