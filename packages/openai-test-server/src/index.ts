export { defaultResponse } from "./default-responder.js";
export { sampleFromSchema } from "./schema-sample.js";
export { startOpenAITestServer } from "./server.js";
export { approximateTokens } from "./tokens.js";
export type {
  ChatCompletionRequest,
  ChatMessageParam,
  Fault,
  OpenAITestServer,
  OpenAITestServerOptions,
  RecordedRequest,
  Responder,
  RespondResult,
} from "./types.js";
