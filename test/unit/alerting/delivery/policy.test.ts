import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DeliveryPolicy,
  idempotencyKey,
  type ReceiverPolicy,
} from '../../../../src/alerting/delivery/policy.ts';
import { DEFAULT_ESCALATION } from '../../../../src/model/alerting-settings.ts';
import {
  compileSilences,
  parseSilenceInput,
  silenceState,
} from '../../../../src/alerting/delivery/silences.ts';
import type { Incident, Silence } from '../../../../src/contract/alerting.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { T0, incident, sig } from '../../../helpers/alerting-fixtures.ts';

const RECEIVERS: ReceiverPolicy[] = [
  { name: 'pd', type: 'pagerduty', escalation: DEFAULT_ESCALATION.pagerduty },
  { name: 'chat', type: 'slack', escalation: DEFAULT_ESCALATION.slack },
  { name: 'hook', type: 'webhook', escalation: DEFAULT_ESCALATION.webhook },
];
const opts = { groupWaitMs: 3000, dedupWindowMs: 5 * 60_000, repeatIntervalMs: 4 * 3600_000 };
const since = () => T0;
const names = (xs: { receiver: string; kind: string }[]) => xs.map((x) => `${x.receiver}:${x.kind}`).sort();

test('escalation: critical to all after group wait; warning to chat and webhook now, PagerDuty after 10 min; info to Slack only', () => {
  const p = new DeliveryPolicy(RECEIVERS, opts);
  const crit = incident('c', 'critical');
  assert.deepEqual(p.decide([crit], [], T0 + 1000, since), [], 'group wait');
  assert.deepEqual(names(p.decide([crit], [], T0 + 3000, since)), [
    'chat:firing',
    'hook:firing',
    'pd:firing',
  ]);
  assert.deepEqual(p.decide([crit], [], T0 + 60_000, since), [], 'once per severity');

  const warn = incident('w', 'warning');
  assert.deepEqual(names(p.decide([warn], [], T0 + 3000, since)), ['chat:firing', 'hook:firing']);
  assert.deepEqual(p.decide([warn], [], T0 + 9 * 60_000, since), []);
  assert.deepEqual(names(p.decide([warn], [], T0 + 10 * 60_000, since)), ['pd:firing']);

  const info = incident('i', 'info');
  assert.deepEqual(names(p.decide([info], [], T0 + 3000, since)), ['chat:firing']);
  assert.deepEqual(p.decide([info], [], T0 + 3600_000, since), []);
});

test('acknowledging stops escalation; undo resumes it; resolving notifies who was notified; PagerDuty gets an acknowledge event', () => {
  const p = new DeliveryPolicy(RECEIVERS, opts);
  const w = incident('w', 'warning');
  p.decide([w], [], T0 + 3000, since);
  const acked: Incident = { ...w, acknowledgement: { by: 'ops', atMs: T0 + 60_000, comment: '' } };
  assert.deepEqual(p.decide([acked], [], T0 + 11 * 60_000, since), [], 'no page after ack');
  assert.deepEqual(
    names(p.decide([w], [], T0 + 11 * 60_000, since)),
    ['pd:firing'],
    'undo: the page is due again',
  );
  assert.deepEqual(names(p.decide([acked], [], T0 + 12 * 60_000, since)), ['pd:acknowledged']);
  const resolved: Incident = { ...w, status: 'resolved', resolvedAtMs: T0 + 13 * 60_000 };
  assert.deepEqual(names(p.decide([resolved], [], T0 + 13 * 60_000, since)), [
    'chat:resolved',
    'hook:resolved',
    'pd:resolved',
  ]);
  assert.deepEqual(p.decide([resolved], [], T0 + 14 * 60_000, since), [], 'once');
});

test('a higher severity notifies again; repeats after repeatInterval; idempotency keys are stable', () => {
  const p = new DeliveryPolicy([RECEIVERS[2]!], opts);
  const w = incident('x', 'warning');
  const [first] = p.decide([w], [], T0 + 3000, since);
  const [again] = p.decide([incident('x', 'critical')], [], T0 + 10_000, () => T0 + 5000);
  assert.equal(again!.severity, 'critical');
  assert.notEqual(again!.idempotencyKey, first!.idempotencyKey);
  assert.equal(first!.idempotencyKey, idempotencyKey('x', 'hook', 'firing', 'warning', 1));
  const [repeat] = p.decide([incident('x', 'critical')], [], T0 + 10_000 + 4 * 3600_000, () => T0 + 5000);
  assert.equal(repeat!.sequence, 3);
});

test('dedup: an identical notification (labels without the incident id) within 5 minutes is not sent', () => {
  const p = new DeliveryPolicy([RECEIVERS[2]!], opts);
  const a = incident('a', 'warning');
  const b = incident('b', 'warning');
  assert.equal(p.decide([a], [], T0 + 3000, since).length, 1);
  assert.equal(p.decide([b], [], T0 + 60_000, since).length, 0);
  assert.equal(p.counters.deduplicated, 1);
  const c = incident('c', 'warning');
  assert.equal(p.decide([c], [], T0 + 3000 + 5 * 60_000, since).length, 1, 'after the window');
  assert.equal(
    p.decide([{ ...b, status: 'resolved', resolvedAtMs: T0 }], [], T0 + 6 * 60_000, since).length,
    0,
    'a deduplicated incident sends no resolved',
  );
});

function silence(matchers: Silence['matchers'], startsAtMs: number, endsAtMs: number): Silence {
  return {
    id: 's',
    matchers,
    startsAtMs,
    endsAtMs,
    createdBy: 'ops',
    comment: '',
    createdAtMs: T0,
    state: 'active',
  };
}

test('silences hold notifications back while active; when they end the incident is notified', () => {
  const p = new DeliveryPolicy([RECEIVERS[2]!], opts);
  const w = incident('w', 'warning');
  const s = compileSilences([
    silence([{ name: 'node', value: 'node-1', isRegex: false, isEqual: true }], T0, T0 + 60_000),
  ]);
  assert.equal(p.decide([w], s, T0 + 3000, since).length, 0);
  assert.equal(p.counters.silenced, 1);
  assert.equal(p.decide([w], s, T0 + 60_000, since).length, 1);
  const other = compileSilences([
    silence([{ name: 'node', value: 'node-[23]', isRegex: true, isEqual: true }], T0, T0 + 60_000),
  ]);
  assert.equal(
    new DeliveryPolicy([RECEIVERS[2]!], opts).decide([w], other, T0 + 3000, since).length,
    1,
    'not matched',
  );
});

test('silence input: validation errors name the field; times, regexes and match-everything are checked', () => {
  const ok = parseSilenceInput(
    { matchers: [{ name: 'node', value: 'node-1' }], endsAt: '2026-01-01T01:00:00Z', createdBy: 'ops' },
    T0,
  );
  assert.equal(ok.startsAtMs, T0);
  assert.equal(ok.endsAtMs, T0 + 3600_000);
  assert.equal(ok.matchers[0]!.isEqual, true);
  const bad = (body: unknown, re: RegExp) =>
    assert.throws(
      () => parseSilenceInput(body, T0),
      (e: Error) => e instanceof InvalidInputError && re.test(e.message),
    );
  bad({ matchers: [], endsAt: '2026-01-01T01:00:00Z', createdBy: 'ops' }, /at least one matcher/);
  bad(
    { matchers: [{ name: '1x', value: 'a' }], endsAt: '2026-01-01T01:00:00Z', createdBy: 'ops' },
    /matchers\.0\.name/,
  );
  bad({ matchers: [{ name: 'node', value: 'a' }], endsAt: 'tomorrow', createdBy: 'ops' }, /endsAt/);
  bad(
    { matchers: [{ name: 'node', value: 'a' }], endsAt: '2025-01-01T00:00:00Z', createdBy: 'ops' },
    /in the past/,
  );
  bad({ matchers: [{ name: 'node', value: 'a' }], endsAt: '2026-01-01T01:00:00Z' }, /createdBy/);
  bad(
    {
      matchers: [{ name: 'node', value: '(', isRegex: true }],
      endsAt: '2026-01-01T01:00:00Z',
      createdBy: 'ops',
    },
    /regular expression/,
  );
  bad(
    {
      matchers: [{ name: 'node', value: '.*', isRegex: true }],
      endsAt: '2026-01-01T01:00:00Z',
      createdBy: 'ops',
    },
    /every alert/,
  );
  bad(
    { matchers: [{ name: 'node', value: 'a' }], endsAt: '2026-01-01T01:00:00Z', createdBy: 'ops', extra: 1 },
    /extra|Unrecognized/i,
  );
  assert.equal(silenceState({ startsAtMs: T0 + 1, endsAtMs: T0 + 2 }, T0), 'pending');
  assert.equal(silenceState({ startsAtMs: T0, endsAtMs: T0 + 2 }, T0 + 2), 'expired');
});

test('an incident that gains a node or component is notified again after the group interval', () => {
  const p = new DeliveryPolicy([RECEIVERS[2]!], { ...opts, groupIntervalMs: 30_000 });
  const first = incident('g', 'warning');
  assert.equal(p.decide([first], [], T0 + 3000, since).length, 1);
  const sameScope = { ...first, signals: [...first.signals, sig('s3', 'node-1', 'amst', 5)] };
  assert.equal(
    p.decide([sameScope], [], T0 + 60_000, since).length,
    0,
    'more series of the same components: no update',
  );
  const grown = { ...first, signals: [...first.signals, sig('s4', 'node-1', 'itp', 20)] };
  assert.equal(p.decide([grown], [], T0 + 20_000, since).length, 0, 'within the group interval');
  const [update] = p.decide([grown], [], T0 + 33_000, since);
  assert.equal(update!.kind, 'firing');
  assert.equal(update!.sequence, 2);
  assert.equal(p.decide([grown], [], T0 + 120_000, since).length, 0, 'once');
});
