export {
  planTiers, roleOf, InvalidTierConfigError,
  type TierRole, type TierDeclaration, type TierPlanInput, type TierInfo, type TierPlan, type NightlyMovePlan, type CleanupPlan,
} from './tier-plan';
export { nightlyRunDue, minutesOfDay, localDay, type NightlyDecision } from './nightly-schedule';
export { studiesToRelease, type StudyOnTier } from './study-selection';
export { nextMoveStep, nextCleanupStep, type LocationState, type MoveStep, type CleanupStep } from './location-steps';
