/**
 * With no migration seen, the rollout stage line says so instead of passing the look-back time off as evidence
 * ("60.0 min of evidence" on a monitor that had stored nothing): on the web page and in `rollout status`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRolloutStatus } from '../../../../src/cli/commands/rollout.ts';
import type { RolloutStatus } from '../../../../src/contract/rollout.ts';
import { createInsightsProvider } from '../../../../src/monitor/rollout-provider.ts';
import { evidenceSpan } from '../../../../web/src/components/RolloutPanel.tsx';
import { RecordingSampleStore, T0 } from '../../../helpers/server-fakes.ts';

const NOW = T0 + 3_600_000;

/** The provider's answer for an empty store (no series at all). */
const empty = (): Promise<RolloutStatus> =>
  createInsightsProvider(new RecordingSampleStore()).rollout(600_000, NOW);

describe('rollout stage evidence without any migration', () => {
  it('the page says no migrations were seen, not minutes of evidence', async () => {
    const status = await empty();
    assert.ok(status.evidence.elapsedMs > 0, 'the look-back alone gives the stage a length');
    assert.equal(evidenceSpan(status.evidence), 'no migrations seen in this stage yet');
  });

  it('the page shows the minutes once a judged metric has events', async () => {
    const status = await empty();
    const [first, ...rest] = status.evidence.metrics;
    assert.ok(first);
    const evidence = {
      ...status.evidence,
      elapsedMs: 750_000,
      metrics: [{ ...first, v1Events: 3, v3Events: 1 }, ...rest],
    };
    assert.equal(evidenceSpan(evidence), '12.5 min of evidence');
  });

  it('rollout status prints the same', async () => {
    const text = formatRolloutStatus(await empty());
    assert.match(
      text,
      /^Stage: {4}since .* or earlier, no migrations seen in this stage yet; no decision yet$/m,
    );
    assert.doesNotMatch(text, /min of evidence/);
  });
});
