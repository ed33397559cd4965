import { useEffect, useState, type ReactNode } from 'react';
import { fetchSession, logout, UNAUTHORIZED_EVENT, type Principal } from '../api.ts';
import { LoginView } from '../views/LoginView.tsx';

/**
 * Shows the console once the session is known to be valid (or the monitor has no authentication), the login
 * view otherwise, and again whenever an API call answers 401 (the session expired or was revoked).
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Principal | null | 'disabled' | 'checking'>('checking');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchSession()
      .then(setSession)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    const expired = () => setSession((s) => (s === 'disabled' ? s : null));
    window.addEventListener(UNAUTHORIZED_EVENT, expired);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, expired);
  }, []);

  if (error !== null) return <p role="alert">The monitor did not answer: {error}</p>;
  if (session === 'checking') return <p className="muted">Loading…</p>;
  if (session === null) return <LoginView onLoggedIn={setSession} />;
  return (
    <>
      {session !== 'disabled' && (
        <div className="session">
          <span className="muted">
            {session.username} · {session.role} · {session.tenant}
          </span>
          <button type="button" onClick={() => void logout().then(() => setSession(null))}>
            Log out
          </button>
        </div>
      )}
      {children}
    </>
  );
}
