/**
 * The in-process live event feed: the anomaly sink and the scrape loop publish {@link LiveEvent}s, the API's
 * websocket route (GET /api/live) subscribes. Bounded by the number of listeners.
 */
import type { LiveEvent } from '../contract/live.ts';
import { InvalidInputError, LimitExceededError } from '../errors.ts';

/** A live feed the producer side publishes to and the API subscribes to. */
export interface LocalLiveFeed {
  /**
   * Adds a listener; subscribing the same function twice gives two independent subscriptions.
   * @returns the function that unsubscribes (idempotent)
   * @throws LimitExceededError when the feed already has its maximum of listeners
   */
  subscribe(listener: (e: LiveEvent) => void): () => void;
  /**
   * Delivers `e` synchronously to every listener. A listener that throws does not stop delivery to the
   * others; its error is passed to `onListenerError`.
   */
  publish(e: LiveEvent): void;
  /** Current number of listeners. */
  readonly listenerCount: number;
}

/**
 * Creates an in-process live feed with at most `maxListeners` listeners.
 *
 * @param maxListeners positive integer bound on concurrent subscriptions
 * @param onListenerError receives errors thrown by listeners (default: ignored)
 * @throws InvalidInputError when `maxListeners` is not a positive integer
 * @returns the feed; its `subscribe` throws LimitExceededError when `maxListeners` listeners are subscribed
 */
export function createLiveFeed(
  maxListeners: number,
  onListenerError?: (err: unknown) => void,
): LocalLiveFeed {
  if (!Number.isInteger(maxListeners) || maxListeners < 1) {
    throw new InvalidInputError(`maxListeners must be a positive integer, got ${maxListeners}`);
  }
  const listeners = new Set<(e: LiveEvent) => void>();
  return {
    subscribe(listener) {
      if (listeners.size >= maxListeners) {
        throw new LimitExceededError(`live feed already has its maximum of ${maxListeners} listeners`);
      }
      // A wrapper so that subscribing the same function twice yields two independent subscriptions.
      const entry = (e: LiveEvent): void => listener(e);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    publish(e) {
      for (const l of [...listeners]) {
        try {
          l(e);
        } catch (err) {
          onListenerError?.(err);
        }
      }
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
