import { useEffect, useState } from 'react';

/** The console's location: a view name and its parameters, kept in the URL hash (`#/logs?query=...`) so a view can be bookmarked and shared. */
export interface Route {
  /** View name, e.g. `overview`, `logs`. */
  readonly view: string;
  /** The view's own state (query, time range, selection). */
  readonly params: URLSearchParams;
}

/** Parses a hash such as `#/logs?level=error` into a {@link Route}; an empty hash is the overview. */
export function parseRoute(hash: string): Route {
  const body = hash.startsWith('#/') ? hash.slice(2) : '';
  const queryAt = body.indexOf('?');
  const view = (queryAt === -1 ? body : body.slice(0, queryAt)) || 'overview';
  const params = new URLSearchParams(queryAt === -1 ? '' : body.slice(queryAt + 1));
  return { view, params };
}

/** The URL hash of a view with parameters (empty parameters are left out). */
export function routeHref(view: string, params: Readonly<Record<string, string | undefined>> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') query.set(key, value);
  const text = query.toString();
  return `#/${view}${text === '' ? '' : `?${text}`}`;
}

/** The current route, updated on every hash change (back/forward buttons included). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
