import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactAuthorization } from '../../../src/remote-store/redact.ts';

describe('redactAuthorization', () => {
  it('replaces an echoed bearer header or token', () => {
    assert.equal(
      redactAuthorization('cannot find the provided auth token "Bearer tok-123" in config', 'Bearer tok-123'),
      'cannot find the provided auth token "<secret>" in config',
    );
    assert.equal(redactAuthorization('token tok-123 expired', 'Bearer tok-123'), 'token <secret> expired');
  });

  it('replaces basic credentials encoded, decoded and the password alone', () => {
    const header = `Basic ${Buffer.from('vm:pa55word').toString('base64')}`;
    const text = `bad ${header}; user vm:pa55word; password pa55word`;
    const out = redactAuthorization(text, header);
    assert.equal(out, 'bad <secret>; user <secret>; password <secret>');
    assert.ok(!out.includes('pa55word'));
  });

  it('leaves the text alone without credentials', () => {
    assert.equal(redactAuthorization('answered 400: bad request', undefined), 'answered 400: bad request');
    assert.equal(redactAuthorization('answered 400: bad request', ''), 'answered 400: bad request');
  });
});
