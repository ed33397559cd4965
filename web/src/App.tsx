import { AuthGate } from './components/AuthGate.tsx';
import { DeliveryBanner } from './components/DeliveryBanner.tsx';
import { StaleBanner } from './components/StaleBanner.tsx';
import { ThemeToggle } from './components/ThemeToggle.tsx';
import { routeHref, useRoute } from './route.ts';
import { OVERVIEW, VIEWS } from './views/index.ts';

/** The console: header with navigation between views, delivery banner, and the view named in the URL hash (unknown names show the overview). */
export function App() {
  const route = useRoute();
  const current = VIEWS.find((view) => view.name === route.view) ?? OVERVIEW;
  const View = current.component;
  return (
    <AuthGate>
      <header className="header">
        <h1>DWCP Monitor</h1>
        <span className="muted">NovaCron WAN migration protocol · AMST · HDE · PBA · ASS · ACP · ITP</span>
        {VIEWS.length > 1 && (
          <nav className="nav" aria-label="Views">
            {VIEWS.map((view) => (
              <a
                key={view.name}
                href={routeHref(view.name)}
                aria-current={view === current ? 'page' : undefined}
              >
                {view.title}
              </a>
            ))}
          </nav>
        )}
        <ThemeToggle />
      </header>
      <StaleBanner />
      <DeliveryBanner />
      <main>
        <View route={route} />
      </main>
    </AuthGate>
  );
}
