/**
 * Sending one rendered notification to one receiver, with the outcome classified for the outbox: delivered,
 * a permanent failure (the receiver will never accept this message: HTTP 4xx other than 408/429, SMTP 5xx) or a
 * temporary one to retry with backoff (HTTP 5xx, 408, 429, timeouts, connection errors, SMTP 4xx). HTTP
 * receivers get the idempotency key in an `Idempotency-Key` header, e-mail in its Message-ID.
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 * @see https://www.rfc-editor.org/rfc/rfc5321#section-4.2.1 (SMTP reply codes: 4yz transient, 5yz permanent)
 */
import nodemailer from 'nodemailer';
import type { ReceiverSettings } from '../../model/alerting-settings.ts';
import type { HttpAuthSettings } from '../../model/http-auth.ts';
import { redactUrlCredentials } from '../../model/redact.ts';
import { authorizationHeader } from './http-auth.ts';
import { messageIdOf, type EmailMessage } from './email-message.ts';

/** Why an attempt failed. */
export type FailureReason =
  'http_4xx' | 'http_5xx' | 'timeout' | 'connection' | 'smtp_4xx' | 'smtp_5xx' | 'misconfigured';

/** Outcome of one attempt. */
export type SendResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly permanent: boolean;
      readonly reason: FailureReason;
      readonly error: string;
    };

/** A rendered notification as stored in the outbox. */
export type OutboxMessage =
  | { readonly type: 'webhook' | 'slack'; readonly body: unknown }
  | { readonly type: 'pagerduty'; readonly body: Record<string, unknown> }
  | { readonly type: 'email'; readonly email: EmailMessage };

/** Sends messages of one receiver. */
export interface Transport {
  send(message: OutboxMessage, idempotencyKey: string): Promise<SendResult>;
  close?(): void;
}

/** Classifies an HTTP status (see the module comment). */
export function classifyHttpStatus(status: number): SendResult {
  if (status >= 200 && status < 300) return { ok: true };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    return { ok: false, permanent: true, reason: 'http_4xx', error: `HTTP ${status}` };
  return {
    ok: false,
    permanent: false,
    reason: status >= 500 ? 'http_5xx' : 'http_4xx',
    error: `HTTP ${status}`,
  };
}

function errorText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return `${err.message ?? String(e)}${err.cause?.code ? ` (${err.cause.code})` : ''}`;
}

/** POSTs JSON with a timeout (webhook, Slack, PagerDuty). */
export function httpTransport(
  url: string,
  timeoutMs: number,
  headers: Readonly<Record<string, string>> = {},
  routingKey?: () => string | undefined,
  auth: HttpAuthSettings = {},
): Transport {
  return {
    async send(message, idempotencyKey) {
      let authorization: string | undefined;
      try {
        authorization = await authorizationHeader(auth);
      } catch (e) {
        return { ok: false, permanent: false, reason: 'misconfigured', error: (e as Error).message };
      }
      let body: unknown = message.type === 'email' ? null : message.body;
      if (message.type === 'pagerduty') {
        const key = routingKey?.();
        if (!key)
          return {
            ok: false,
            permanent: false,
            reason: 'misconfigured',
            error: 'no PagerDuty routing key (routingKeyEnv not set)',
          };
        body = { routing_key: key, ...message.body };
      }
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            ...headers,
            ...(authorization !== undefined ? { authorization } : {}),
            'content-type': 'application/json',
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel().catch(() => undefined);
        return classifyHttpStatus(res.status);
      } catch (e) {
        const timeout = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
        return {
          ok: false,
          permanent: false,
          reason: timeout ? 'timeout' : 'connection',
          error: timeout ? `no answer within ${timeoutMs} ms` : redactUrlCredentials(errorText(e)),
        };
      }
    },
  };
}

/** Sends e-mail over SMTP with nodemailer (one pooled connection). */
export function smtpTransport(
  r: Extract<ReceiverSettings, { type: 'email' }>,
  env: NodeJS.ProcessEnv = process.env,
): Transport {
  const password = r.smtp.passwordEnv ? env[r.smtp.passwordEnv] : undefined;
  const transporter = nodemailer.createTransport({
    host: r.smtp.host,
    port: r.smtp.port,
    secure: r.smtp.secure,
    requireTLS: r.smtp.requireTLS,
    connectionTimeout: r.timeout,
    greetingTimeout: r.timeout,
    socketTimeout: r.timeout,
    ...(r.smtp.user ? { auth: { user: r.smtp.user, pass: password ?? '' } } : {}),
  });
  return {
    async send(message, idempotencyKey) {
      if (message.type !== 'email')
        return {
          ok: false,
          permanent: true,
          reason: 'misconfigured',
          error: `an email receiver cannot send a ${message.type} message`,
        };
      try {
        await transporter.sendMail({
          from: r.from,
          to: r.to.join(', '),
          subject: message.email.subject,
          text: message.email.text,
          messageId: messageIdOf(idempotencyKey),
          headers: { 'X-DWCP-Idempotency-Key': idempotencyKey },
        });
        return { ok: true };
      } catch (e) {
        const code = (e as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500)
          return { ok: false, permanent: true, reason: 'smtp_5xx', error: errorText(e) };
        if (typeof code === 'number' && code >= 400)
          return { ok: false, permanent: false, reason: 'smtp_4xx', error: errorText(e) };
        const timeout =
          /timeout/i.test((e as { code?: string }).code ?? '') || /timeout/i.test((e as Error).message);
        return {
          ok: false,
          permanent: false,
          reason: timeout ? 'timeout' : 'connection',
          error: errorText(e),
        };
      }
    },
    close: () => transporter.close(),
  };
}

/** The transport of a configured receiver. */
export function transportFor(r: ReceiverSettings, env: NodeJS.ProcessEnv = process.env): Transport {
  switch (r.type) {
    case 'webhook':
      return httpTransport(r.url, r.timeout, r.headers, undefined, r);
    case 'slack':
      return httpTransport(r.url, r.timeout);
    case 'pagerduty':
      return httpTransport(
        r.url,
        r.timeout,
        {},
        () => r.routingKey ?? (r.routingKeyEnv ? env[r.routingKeyEnv] : undefined),
      );
    case 'email':
      return smtpTransport(r, env);
  }
}
