/** The store contract, `DetectorStateStore` part (see ./store-contract.ts). */
import assert from 'node:assert/strict';
import { InvalidInputError, PayloadTooLargeError } from '../../src/errors.ts';
import { MAX_DETECTOR_STATE_BYTES } from '../../src/store/types.ts';
import { stateRow, T0, type ContractOpener } from './store-fixtures.ts';
import type { ContractTest } from './store-suite.ts';

/** Registers the detectorState part of the store contract. */
export function detectorStateStoreContract(test: ContractTest, open: ContractOpener): void {
  test('detector states: upsert (last row of a key wins), load newest first within the limit, delete by age', async () => {
    const { states: st } = await open();
    const first = await st.saveDetectorStates([
      stateRow('lat{node="a"}', { n: 1, mean: 1.5, buf: [1, 2, 3] }, T0),
      stateRow('lat{node="b"}', { n: 2, nested: { ok: true, s: 'é"\\' } }, T0 + 1000),
      stateRow('lat{node="a"}', { n: 9 }, T0 + 500), // same key later in the batch: this one wins
    ]);
    assert.deepEqual(first, { saved: 2, rejected: [] });
    let loaded = await st.loadDetectorStates(10);
    assert.equal(loaded.malformed, 0);
    assert.deepEqual(loaded.rows, [
      stateRow('lat{node="b"}', { n: 2, nested: { ok: true, s: 'é"\\' } }, T0 + 1000),
      stateRow('lat{node="a"}', { n: 9 }, T0 + 500),
    ]);
    assert.equal(typeof loaded.rows[0]!.updatedAtMs, 'number');
    // A later checkpoint replaces the row, including detector and version.
    assert.equal(
      (
        await st.saveDetectorStates([
          stateRow('lat{node="a"}', [1, null, 'x'], T0 + 2000, { detector: 'other', version: 3 }),
        ])
      ).saved,
      1,
    );
    loaded = await st.loadDetectorStates(1);
    assert.deepEqual(loaded.rows, [
      stateRow('lat{node="a"}', [1, null, 'x'], T0 + 2000, { detector: 'other', version: 3 }),
    ]);
    (loaded.rows[0]!.state as unknown[])[0] = 'changed';
    assert.deepEqual(
      (await st.loadDetectorStates(1)).rows[0]!.state,
      [1, null, 'x'],
      'a loaded state is a copy',
    );
    assert.deepEqual(await st.saveDetectorStates([]), { saved: 0, rejected: [] });
    await assert.rejects(st.loadDetectorStates(0), InvalidInputError);
    assert.equal(await st.deleteDetectorStatesOlderThan(T0 + 1000), 0);
    assert.equal(await st.deleteDetectorStatesOlderThan(T0 + 1000.5), 1, 'b (updated at T0 + 1000) is older');
    assert.deepEqual(
      (await st.loadDetectorStates(10)).rows.map((r) => r.seriesKey),
      ['lat{node="a"}'],
    );
    await assert.rejects(st.deleteDetectorStatesOlderThan(Number.NaN), InvalidInputError);
  });

  test('detector states: ties of checkpoint time load in series-key byte order', async () => {
    const { states: st } = await open();
    const keys = ['b{x="1"}', 'B{x="1"}', 'a_b', 'aB', 'a-c', 'A{', 'ab', '_z', 'é'];
    await st.saveDetectorStates(keys.map((k) => stateRow(k, 1, T0)));
    const byteOrder = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(
      (await st.loadDetectorStates(100)).rows.map((r) => r.seriesKey),
      byteOrder,
    );
  });

  test('detector states: oversize and unserialisable states are rejected per row with a clear error; invalid rows throw', async () => {
    const { states: st } = await open();
    const big = 'x'.repeat(MAX_DETECTOR_STATE_BYTES); // its JSON has two quotes more than the cap
    const wide = 'é'.repeat(MAX_DETECTOR_STATE_BYTES / 2); // 2 UTF-8 bytes per character: over the cap in bytes
    const fits = 'y'.repeat(MAX_DETECTOR_STATE_BYTES - 2);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const r = await st.saveDetectorStates([
      stateRow('ok', { n: 1 }),
      stateRow('big', big),
      stateRow('wide', wide),
      stateRow('fits', fits),
      stateRow('circ', circular),
      stateRow('undef', undefined),
    ]);
    assert.equal(r.saved, 2);
    assert.deepEqual(
      r.rejected.map((x) => x.seriesKey),
      ['big', 'wide', 'circ', 'undef'],
    );
    assert.ok(r.rejected[0]!.error instanceof PayloadTooLargeError);
    assert.match(
      r.rejected[0]!.error.message,
      /^detector state of big \(ensemble v1, 65538 bytes\) exceeds the limit of 65536 bytes$/,
    );
    assert.ok(r.rejected[1]!.error instanceof PayloadTooLargeError);
    assert.ok(r.rejected[2]!.error instanceof InvalidInputError);
    assert.ok(r.rejected[3]!.error instanceof InvalidInputError);
    assert.deepEqual((await st.loadDetectorStates(10)).rows.map((x) => x.seriesKey).sort(), ['fits', 'ok']);
    for (const bad of [
      stateRow('', 1),
      stateRow('k', 1, T0 + 0.5),
      stateRow('k', 1, T0, { version: 1.5 }),
      stateRow('k', 1, T0, { detector: '' }),
    ]) {
      await assert.rejects(st.saveDetectorStates([stateRow('never', 1), bad]), InvalidInputError);
    }
    assert.equal(
      (await st.loadDetectorStates(10)).rows.length,
      2,
      'nothing of a batch with an invalid row is stored',
    );
  });

  test('detector states: versions are 32-bit integers on every backend', async () => {
    const { states: st } = await open();
    const max = 2 ** 31 - 1;
    assert.equal(
      (
        await st.saveDetectorStates([
          stateRow('v-max', 1, T0, { version: max }),
          stateRow('v-min', 1, T0, { version: -(2 ** 31) }),
        ])
      ).saved,
      2,
    );
    assert.deepEqual(
      (await st.loadDetectorStates(10)).rows.map((r) => r.version),
      [max, -(2 ** 31)],
    );
    await assert.rejects(
      st.saveDetectorStates([stateRow('v-big', 1, T0, { version: max + 1 })]),
      InvalidInputError,
    );
    await assert.rejects(
      st.saveDetectorStates([stateRow('v-small', 1, T0, { version: -(2 ** 31) - 1 })]),
      InvalidInputError,
    );
    assert.equal((await st.loadDetectorStates(10)).rows.length, 2);
  });

  test('detector states: large batches (rows and bytes) are stored whole; load holds its limit', async () => {
    const { states: st } = await open();
    const many = Array.from({ length: 1234 }, (_, i) => stateRow(`s${i}`, { i, w: [i, i + 1] }, T0 + i));
    assert.deepEqual(await st.saveDetectorStates(many), { saved: 1234, rejected: [] });
    const heavy = Array.from({ length: 80 }, (_, i) =>
      stateRow(`h${i}`, 'z'.repeat(60_000) + i, T0 + 5000 + i),
    ); // about 4.8 MB
    assert.deepEqual(await st.saveDetectorStates(heavy), { saved: 80, rejected: [] });
    const top = await st.loadDetectorStates(100);
    assert.equal(top.rows.length, 100);
    assert.equal(top.rows[0]!.seriesKey, 'h79');
    assert.equal(top.rows[0]!.state, 'z'.repeat(60_000) + '79');
    const all = await st.loadDetectorStates(5000);
    assert.equal(all.rows.length, 1314);
    assert.deepEqual(all.rows.find((x) => x.seriesKey === 's777')!.state, { i: 777, w: [777, 778] });
  });
}
