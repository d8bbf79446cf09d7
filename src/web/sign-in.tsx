import { useEffect, useRef, useState } from 'preact/hooks';
import { HttpApi } from '../client/http-api.js';
import { LIMITS } from '../protocol/limits.js';
import type { StoredSession } from './session.js';

type Mode = 'login' | 'register';

interface SignInProps {
  /** Why the person is here again (session expired, logged out elsewhere), or "". */
  notice: string;
  onSignedIn: (session: StoredSession, remember: boolean) => void;
}

const TABS: { mode: Mode; label: string }[] = [
  { mode: 'login', label: 'Log in' },
  { mode: 'register', label: 'Register' },
];

/** Log in / Register. The server checks everything; its messages are shown as they come. */
export function SignIn({ notice, onSignedIn }: SignInProps) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    document.title = 'Sign in · Chatroom';
    performance.mark('chatroom:signin-ready');
  }, []);

  const choose = (next: Mode, focus = false) => {
    setMode(next);
    setError('');
    if (focus) tabRefs.current[TABS.findIndex((t) => t.mode === next)]?.focus();
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    const api = new HttpApi(location.origin);
    try {
      if (mode === 'register') await api.register(username, password);
      const session = await api.login(username, password);
      onSignedIn({ token: session.token, username: session.user.username }, remember);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <div class="signin">
      <main class="signin-card">
        <div class="signin-brand">
          <img src="/icon.svg" alt="" width={48} height={48} />
          <h1>Chatroom</h1>
        </div>
        {notice && (
          <p class="signin-notice" role="status">
            {notice}
          </p>
        )}
        <div class="tabs" role="tablist" aria-label="Sign in or create an account">
          {TABS.map((tab, i) => (
            <button
              key={tab.mode}
              ref={(el) => {
                tabRefs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${tab.mode}`}
              aria-selected={mode === tab.mode}
              aria-controls="signin-panel"
              tabIndex={mode === tab.mode ? 0 : -1}
              class="tab"
              onClick={() => choose(tab.mode)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                  e.preventDefault();
                  choose(tab.mode === 'login' ? 'register' : 'login', true);
                }
              }}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <div id="signin-panel" role="tabpanel" aria-labelledby={`tab-${mode}`}>
          <form class="signin-form" noValidate onSubmit={submit}>
            <label class="field">
              <span>Username</span>
              <input
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellcheck={false}
                maxLength={LIMITS.usernameMax}
                required
                value={username}
                onInput={(e) => setUsername(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              <span>Password</span>
              <input
                name="password"
                type="password"
                autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            {mode === 'register' && (
              <p class="hint">
                Usernames: up to {LIMITS.usernameMax} letters, digits, _ . - · Passwords:{' '}
                {LIMITS.passwordMin}-{LIMITS.passwordMax} characters.
              </p>
            )}
            <label class="check">
              <input
                type="checkbox"
                checked={remember}
                onChange={(e) => setRemember(e.currentTarget.checked)}
              />
              <span>Remember me on this device</span>
            </label>
            <p class="form-error" role="alert">
              {error}
            </p>
            <button class="primary wide" type="submit" disabled={busy}>
              {busy
                ? mode === 'register'
                  ? 'Creating account…'
                  : 'Logging in…'
                : mode === 'register'
                  ? 'Create account'
                  : 'Log in'}
            </button>
          </form>
        </div>
      </main>
    </div>
  );
}
