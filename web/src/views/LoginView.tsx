import { useState, type FormEvent } from 'react';
import { login, type Principal } from '../api.ts';

/** The login form shown when the API answers 401; on success the session cookie is set and `onLoggedIn` runs. */
export function LoginView({ onLoggedIn }: { onLoggedIn: (p: Principal) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = await login(username, password);
      setPassword('');
      onLoggedIn(p);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="panel login-form" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h2 id="login-title">Log in</h2>
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  );
}
