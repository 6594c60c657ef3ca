/**
 * `@loopkit/core/usage`: token counting and cost, for servers. Kept apart from the main entry
 * because the tokenizer's vocabularies and the price tables are megabytes, too much for a browser.
 */
export {
  type Cost,
  type CostRequest,
  type CostUsage,
  computeCost,
  type PriceOverride,
  type PriceOverrides,
} from "./usage/compute-cost.js";
export { countTokens, type TokenCount, type TokenCountRequest } from "./usage/count-tokens.js";
export { type ResolvedUsage, resolveUsage, type UsageSource } from "./usage/resolve-usage.js";
