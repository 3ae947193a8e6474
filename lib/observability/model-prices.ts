/**
 * On-demand price of a model's tokens, in US dollars per million tokens: what
 * `BedrockMetrics.metricEstimatedCost` multiplies the token counts by.
 */
export interface ModelPrice {
  /** USD per million input tokens. */
  readonly inputPerMillionTokens: number;
  /**
   * USD per million output tokens.
   * @default 0 (embedding models bill input tokens only)
   */
  readonly outputPerMillionTokens?: number;
}

/**
 * The date the prices of {@link DEFAULT_MODEL_PRICES} were read. Prices change: override them
 * with the `prices` prop (and check https://aws.amazon.com/bedrock/pricing/) before trusting a
 * cost figure for more than an order of magnitude.
 */
export const MODEL_PRICES_AS_OF = '2026-05';

/**
 * A small, dated table of on-demand, standard-tier prices in us-east-1, keyed by foundation model
 * ID (a cross-Region profile and an application profile are priced by their foundation model).
 * Source: the Amazon Bedrock pricing page (https://aws.amazon.com/bedrock/pricing/), as of
 * {@link MODEL_PRICES_AS_OF}, cross-checked against secondary sources; not read live (this
 * library builds offline). Not included: batch (about half price), prompt-cache reads and
 * writes, Regions priced differently, the premium of some geographic profiles, provisioned
 * throughput (billed per model unit and hour, not per token) and Marketplace models. A model
 * missing here has no cost metric until `prices` names it.
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'amazon.nova-micro-v1:0': { inputPerMillionTokens: 0.035, outputPerMillionTokens: 0.14 },
  'amazon.nova-lite-v1:0': { inputPerMillionTokens: 0.06, outputPerMillionTokens: 0.24 },
  'amazon.nova-pro-v1:0': { inputPerMillionTokens: 0.8, outputPerMillionTokens: 3.2 },
  'amazon.titan-embed-text-v2:0': { inputPerMillionTokens: 0.02 },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': { inputPerMillionTokens: 3, outputPerMillionTokens: 15 },
  'anthropic.claude-haiku-4-5-20251001-v1:0': { inputPerMillionTokens: 1, outputPerMillionTokens: 5 },
});
