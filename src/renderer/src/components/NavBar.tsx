import {
  FileInput,
  LayoutDashboard,
  ListTree,
  RotateCcw,
  Settings,
  Users,
  type LucideIcon,
} from 'lucide-react';
import { hrefFor, type Route, type Section } from '../router';

const ITEMS: { section: Section; label: string; route: Route; icon: LucideIcon }[] = [
  { section: 'dashboard', label: 'Dashboard', route: { view: 'dashboard' }, icon: LayoutDashboard },
  { section: 'topics', label: 'Topics', route: { view: 'topics' }, icon: ListTree },
  { section: 'groups', label: 'Consumer groups', route: { view: 'groups' }, icon: Users },
  { section: 'collectors', label: 'Collectors', route: { view: 'collectors' }, icon: FileInput },
  { section: 'replay', label: 'Replay', route: { view: 'replay' }, icon: RotateCcw },
  { section: 'settings', label: 'Settings', route: { view: 'settings' }, icon: Settings },
];

/**
 * The sidebar: one plain hash link per section (`data-testid="nav-<section>"`), an icon and
 * a label; collapsed, only the icons show (the label stays the link's name and tooltip).
 */
export function NavBar({ current, collapsed }: { current: Section | null; collapsed: boolean }) {
  return (
    <nav className="app-nav" aria-label="Sections" data-collapsed={collapsed}>
      {ITEMS.map(({ section, label, route, icon: Icon }) => (
        <a
          key={section}
          href={hrefFor(route)}
          data-testid={`nav-${section}`}
          aria-current={section === current ? 'page' : undefined}
          aria-label={collapsed ? label : undefined}
          title={collapsed ? label : undefined}
        >
          <Icon className="icon" size={16} aria-hidden />
          <span className="nav-label">{label}</span>
        </a>
      ))}
    </nav>
  );
}
