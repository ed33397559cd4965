/**
 * Loaded before every test file by `scripts/run-tests.mjs` (`--import`): sets fast-check's global seed from
 * `DWCP_FC_SEED` (see `fast-check-seed.ts`). A property that passes its own `seed` keeps it (fast-check's local
 * parameters win over the global ones); a failing property still prints the seed and path that replay it.
 */
import fc from 'fast-check';
import { fastCheckSeed } from './fast-check-seed.ts';

const seed = fastCheckSeed(process.env['DWCP_FC_SEED']);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
