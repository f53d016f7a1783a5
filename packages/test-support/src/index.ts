export { type UntilOptions, until, untilCount, withTimeout } from "./bounded-wait.js";
export {
  type CorpusEntry,
  readCorpus,
  replayCorpus,
  writeCorpusEntry,
} from "./fuzz/corpus.js";
export {
  type CampaignFailure,
  type CampaignOptions,
  type CampaignResult,
  runCampaign,
} from "./fuzz/fuzz-campaign.js";
export {
  FuzzInvariantError,
  type FuzzTarget,
  type FuzzTargetModule,
  joinChunks,
  splitChunks,
} from "./fuzz/fuzz-target.js";
export { applyMutations, fuzzInputArbitrary, type Mutation, mutationArbitrary } from "./fuzz/mutation.js";
