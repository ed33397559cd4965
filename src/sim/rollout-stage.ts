/** Rollout stage names of the v3 rollout, as the production rollout-progress series labels them. */
import { ROLLOUT_STAGES } from '../model/dwcp.ts';

const STAGE_NAMES: Readonly<Record<number, string>> = {
  0: 'disabled',
  10: 'canary',
  25: 'early_adopters',
  50: 'half',
  75: 'majority',
  100: 'complete',
};

/** Name of the rollout stage reached at `percent` (largest milestone <= percent). */
export function rolloutStage(percent: number): string {
  let stage = 0;
  for (const s of ROLLOUT_STAGES) if (percent >= s) stage = s;
  return STAGE_NAMES[stage]!;
}
