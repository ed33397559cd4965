/** Classification of scrape failures into typed outcomes (src/ingest/scrape-outcome.ts). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ExpositionParseError, PayloadTooLargeError } from '../../../src/errors.ts';
import {
  bodyFailure,
  connectionFailure,
  httpFailure,
  isScrapeFailure,
  SCRAPE_RESULTS,
  SCRAPE_SUCCESS,
  sourceFailure,
  type ScrapeOutcome,
} from '../../../src/ingest/scrape-outcome.ts';

const fetchError = (code: string, message = 'fetch failed') =>
  Object.assign(new TypeError(message), { cause: Object.assign(new Error(`cause ${code}`), { code }) });
const brief = (o: ScrapeOutcome) =>
  isScrapeFailure(o) ? [o.result, o.error.code, o.error.message] : [o.result];

it('classifies fetch failures without looking at messages', () => {
  assert.deepEqual(brief(connectionFailure(fetchError('ECONNREFUSED'), 100)), [
    'connection_error',
    'DWCP_SCRAPE_FAILED',
    'connection refused',
  ]);
  assert.deepEqual(brief(connectionFailure(fetchError('ENOTFOUND'), 100)), [
    'connection_error',
    'DWCP_SCRAPE_FAILED',
    'host not found',
  ]);
  assert.deepEqual(brief(connectionFailure(fetchError('EAI_AGAIN'), 100)), [
    'connection_error',
    'DWCP_SCRAPE_FAILED',
    'host not found',
  ]);
  assert.deepEqual(brief(connectionFailure(fetchError('UND_ERR_SOCKET'), 100)), [
    'connection_error',
    'DWCP_SCRAPE_FAILED',
    'connection reset',
  ]);
  assert.deepEqual(brief(connectionFailure(fetchError('UND_ERR_HEADERS_TIMEOUT'), 100)), [
    'timeout',
    'DWCP_SCRAPE_TIMEOUT',
    'scrape timed out after 100 ms',
  ]);
  assert.deepEqual(brief(connectionFailure(Object.assign(new Error('x'), { name: 'AbortError' }), 250)), [
    'timeout',
    'DWCP_SCRAPE_TIMEOUT',
    'scrape timed out after 250 ms',
  ]);
  assert.deepEqual(brief(connectionFailure(fetchError('EPROTO', 'fetch failed'), 100)), [
    'connection_error',
    'DWCP_SCRAPE_FAILED',
    'fetch failed: cause EPROTO',
  ]);
  assert.deepEqual(brief(connectionFailure('weird', 100)), [
    'connection_error',
    'DWCP_SCRAPE_FAILED',
    'weird',
  ]);
});

it('classifies body, HTTP and in-process failures', () => {
  assert.deepEqual(brief(bodyFailure(new ExpositionParseError(3, 'bad'), false, 100)), [
    'parse_error',
    'DWCP_EXPOSITION_PARSE',
    'exposition line 3: bad',
  ]);
  assert.deepEqual(brief(bodyFailure(new PayloadTooLargeError(10, 'response body'), false, 100)), [
    'body_too_large',
    'DWCP_PAYLOAD_TOO_LARGE',
    'response body exceeds the limit of 10 bytes',
  ]);
  assert.deepEqual(brief(bodyFailure(new Error('terminated'), true, 100)), [
    'timeout',
    'DWCP_SCRAPE_TIMEOUT',
    'scrape timed out after 100 ms',
  ]);
  assert.deepEqual(brief(bodyFailure(fetchError('ECONNRESET'), false, 100)), [
    'connection_error',
    'DWCP_SCRAPE_FAILED',
    'connection reset',
  ]);
  const h = httpFailure(503);
  assert.deepEqual([...brief(h), h.httpStatus], ['http_error', 'DWCP_SCRAPE_FAILED', 'HTTP 503', 503]);
  assert.deepEqual(brief(sourceFailure(new Error('proc unreadable'))), [
    'source_error',
    'DWCP_SCRAPE_FAILED',
    'proc unreadable',
  ]);
  assert.equal(isScrapeFailure(SCRAPE_SUCCESS), false);
  assert.deepEqual(new Set(SCRAPE_RESULTS).size, SCRAPE_RESULTS.length);
});
