import assert from 'node:assert/strict';

/** Asserts |a − b| ≤ eps·|b| (relative; absolute when b = 0). */
export function rel(a: number, b: number, eps: number): void {
  const scale = b === 0 ? 1 : Math.abs(b);
  assert.ok(Math.abs(a - b) <= eps * scale, `${a} vs ${b} (rel ${Math.abs(a - b) / scale})`);
}

/** Asserts |a − b| ≤ eps·max(1, |b|). */
export function close(a: number, b: number, eps: number): void {
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}
