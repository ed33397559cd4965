import assert from 'node:assert/strict';
import { parseMonitorConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

/** The ConfigError message of `raw` parsed as the monitor's configuration, failing the test when it is accepted. */
export function configError(raw: unknown): string {
  try {
    parseMonitorConfig(raw);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`accepted ${JSON.stringify(raw)}`);
}
