import { hrefFor, type Route, type Section } from '../router';

const ITEMS: { section: Section; label: string; route: Route }[] = [
  { section: 'dashboard', label: 'Dashboard', route: { view: 'dashboard' } },
  { section: 'topics', label: 'Topics', route: { view: 'topics' } },
  { section: 'groups', label: 'Consumer groups', route: { view: 'groups' } },
  { section: 'collectors', label: 'Collectors', route: { view: 'collectors' } },
  { section: 'replay', label: 'Replay', route: { view: 'replay' } },
  { section: 'settings', label: 'Settings', route: { view: 'settings' } },
];

/** The sidebar: one plain hash link per section (`data-testid="nav-<section>"`). */
export function NavBar({ current }: { current: Section | null }) {
  return (
    <nav className="app-nav" aria-label="Sections">
      {ITEMS.map((item) => (
        <a
          key={item.section}
          href={hrefFor(item.route)}
          data-testid={`nav-${item.section}`}
          aria-current={item.section === current ? 'page' : undefined}
        >
          {item.label}
        </a>
      ))}
    </nav>
  );
}
