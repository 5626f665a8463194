import { useState, type FormEvent } from 'react';
import { api, errorText, tokenStore } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';

/** Paste an API token (admin-api issues them: POST /api/tokens); kept for this tab only. */
export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const value = token.trim();
    if (!value) return setError('Paste an API token first.');
    setBusy(true);
    try {
      await api.checkToken(value);
      tokenStore.set(value);
      onLoggedIn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h1>PACS</h1>
        <p>This archive needs an API token. It is kept in this browser tab only (sessionStorage).</p>
        <label>
          API token
          <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        </label>
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
