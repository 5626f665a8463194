import { useEffect, useState } from 'react';
import { api, errorText, onUnauthorized, tokenStore } from './api/client';
import { ErrorBanner } from './components/ErrorBanner';
import { AeMapPage } from './pages/AeMapPage';
import { JobsPage } from './pages/JobsPage';
import { LoginPage } from './pages/LoginPage';
import { StatusPage } from './pages/StatusPage';
import { StudyListPage } from './pages/StudyListPage';
import { StudyPage } from './pages/StudyPage';
import { parseRoute, routeHref, type Route } from './routing';

type Session = { kind: 'checking' } | { kind: 'login' } | { kind: 'in'; authOff: boolean } | { kind: 'unreachable'; error: string };

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

const NAV: { route: Route; label: string }[] = [
  { route: { page: 'studies' }, label: 'Studies' },
  { route: { page: 'jobs' }, label: 'Jobs' },
  { route: { page: 'ae-map' }, label: 'AE map' },
  { route: { page: 'status' }, label: 'Status' },
];

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session>({ kind: 'checking' });
  const [ohifUrl, setOhifUrl] = useState<string | null>(null);

  useEffect(() => {
    // With a token from this tab, go in (a refused token brings the login back); without one,
    // go in only if the API answers without a token (auth off, the embedded default).
    if (tokenStore.get()) setSession({ kind: 'in', authOff: false });
    else api.authOptional().then((off) => setSession(off ? { kind: 'in', authOff: true } : { kind: 'login' }), (err: unknown) => setSession({ kind: 'unreachable', error: errorText(err) }));
    api.uiConfig().then((c) => setOhifUrl(c.ohifUrl), () => setOhifUrl(null));
    return onUnauthorized(() => {
      tokenStore.clear();
      setSession({ kind: 'login' });
    });
  }, []);

  if (session.kind === 'checking') return <p className="muted center">Connecting…</p>;
  if (session.kind === 'unreachable') return <ErrorBanner error={`The PACS API cannot be reached: ${session.error}`} />;
  if (session.kind === 'login') return <LoginPage onLoggedIn={() => setSession({ kind: 'in', authOff: false })} />;
  const current = route.page === 'study' ? 'studies' : route.page;
  return (
    <>
      <header className="topbar">
        <span className="brand">PACS</span>
        <nav>
          {NAV.map((n) => (
            <a key={n.route.page} href={routeHref(n.route)} className={current === n.route.page ? 'active' : ''}>
              {n.label}
            </a>
          ))}
        </nav>
        {!session.authOff && (
          <button type="button" className="link" onClick={() => { tokenStore.clear(); setSession({ kind: 'login' }); }}>
            Sign out
          </button>
        )}
      </header>
      <main className="content">
        {route.page === 'studies' && <StudyListPage />}
        {route.page === 'study' && <StudyPage key={route.studyInstanceUid} studyInstanceUid={route.studyInstanceUid} ohifUrl={ohifUrl} />}
        {route.page === 'ae-map' && <AeMapPage />}
        {route.page === 'status' && <StatusPage />}
        {route.page === 'jobs' && <JobsPage />}
      </main>
    </>
  );
}
