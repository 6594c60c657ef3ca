import { z } from "zod";
import { LongText, Metadata, Name } from "./common.js";

/** A version of a prompt, and where it stands in its lifecycle. */
export const PromptVersionConfig = z.object({
  promptName: Name,
  version: Name,
  template: LongText.optional(),
  model: Name.optional(),
  params: Metadata.optional(),
  status: z.enum(["draft", "shadow", "experiment", "production", "retired"]).default("draft"),
});
export type PromptVersionConfig = z.infer<typeof PromptVersionConfig>;

/** One arm of an experiment: usually a prompt version. */
export const ExperimentVariant = z.object({
  key: Name,
  promptVersion: Name.optional(),
  weight: z.number().min(0).max(1).optional(),
});

/**
 * An A/B test. Assignment is GrowthBook-compatible: `seed` (default: the key) and the unit id
 * are hashed; `coverage` is the share of units included; weights default to equal.
 */
export const ExperimentConfig = z
  .object({
    key: Name,
    seed: Name.optional(),
    promptName: Name.optional(),
    variants: z.array(ExperimentVariant).min(2).max(20),
    coverage: z.number().min(0).max(1).default(1),
    status: z.enum(["draft", "running", "stopped"]).default("draft"),
    primaryMetric: Name.default("task_succeeded"),
  })
  .superRefine((experiment, ctx) => {
    // Exposures and requests name their arm by key, so two arms with one key cannot be told apart.
    const keys = experiment.variants.map((v) => v.key);
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (repeated.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: `variant keys must differ; "${repeated[0]}" is used more than once`,
      });
    }
    const weights = experiment.variants.map((v) => v.weight);
    const given = weights.filter((w) => w !== undefined).length;
    if (given !== 0 && given !== weights.length) {
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: "give a weight to every variant or to none",
      });
    } else if (given > 0) {
      const sum = weights.reduce<number>((a, w) => a + (w ?? 0), 0);
      if (Math.abs(sum - 1) > 1e-6) {
        ctx.addIssue({
          code: "custom",
          path: ["variants"],
          message: `weights add up to ${sum}; they must add up to 1`,
        });
      }
    }
  });
export type ExperimentConfig = z.infer<typeof ExperimentConfig>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfig>;
