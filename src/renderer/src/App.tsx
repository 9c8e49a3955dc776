import { useEffect, useState, type ReactNode } from 'react';
import { PanelLeft } from 'lucide-react';
import { ClusterSwitcher } from './components/ClusterSwitcher';
import { ConnectionLostBanner, ConnectionStatus } from './components/ConnectionStatus';
import { ErrorBoundary } from './components/ErrorBoundary';
import { NavBar } from './components/NavBar';
import { SectionPlaceholder } from './components/SectionPlaceholder';
import { StatusBar } from './components/StatusBar';
import { StorageBanner } from './components/StorageBanner';
import './components/layout.css';
import { clusterOf, hrefFor, sectionOf, useRoute, type Route } from './router';
import { useAppStore } from './store';
import { GroupDetailView } from './views/Groups/GroupDetailView';
import { GroupsView } from './views/Groups/GroupsView';
import { CollectorsView } from './views/Collectors/CollectorsView';
import { DashboardView } from './views/Dashboard/DashboardView';
import { ReplayView } from './views/Replay/ReplayView';
import { SettingsView } from './views/Settings/SettingsView';
import { TopicSettingsView } from './views/TopicSettings/TopicSettingsView';
import { CommandPalette } from './components/CommandPalette';
import { IconButton } from './components/ui/Button';
import { Toasts } from './components/ui/Toasts';
import { BrowserView } from './views/Browser/BrowserView';
import { TimelineView } from './views/Timeline/TimelineView';
import { TopicsView } from './views/Topics/TopicsView';
import { SavedSearchOpener } from './views/Browser/SavedSearchOpener';

/**
 * The view for a route. Each section's view lives in `views/<Area>/` and replaces its
 * placeholder line here.
 */
function renderView(route: Route): ReactNode {
  switch (route.view) {
    case 'dashboard':
      return <DashboardView />;
    case 'topics':
      return <TopicsView />;
    case 'topic':
      return <BrowserView route={route} />;
    case 'timeline':
      return <TimelineView route={route} />;
    case 'groups':
      return <GroupsView />;
    case 'group':
      return <GroupDetailView groupId={route.groupId} />;
    case 'collectors':
      return <CollectorsView />;
    case 'settings':
      return <SettingsView />;
    case 'topicSettings':
      return <TopicSettingsView topic={route.topic} />;
    case 'replay':
      return <ReplayView key={route.topic ?? ''} topic={route.topic} />;
    case 'savedSearch':
      return <SavedSearchOpener name={route.name} />;
    case 'notFound':
      return <SectionPlaceholder title="Not found" detail={`No page at #${route.path}.`} />;
  }
}

/** The frame: header with connection status, section navigation, the routed view. */
export function App() {
  const route = useRoute();
  const section = sectionOf(route);
  const status = useAppStore((s) => s.connection.status);
  const loadSystemInfo = useAppStore((s) => s.loadSystemInfo);

  // (Re)load the backend's facts whenever the connection (re)opens.
  useEffect(() => {
    if (status === 'open') void loadSystemInfo();
  }, [status, loadSystemInfo]);

  const [collapsed, setCollapsed] = useNavCollapsed();

  return (
    <div
      className="app"
      data-nav={collapsed ? 'collapsed' : 'expanded'}
      data-cluster={clusterOf(route)}
    >
      <header className="app-header">
        <IconButton
          icon={PanelLeft}
          label={collapsed ? 'Show the sidebar' : 'Hide the sidebar'}
          aria-expanded={!collapsed}
          onClick={() => setCollapsed(!collapsed)}
          data-testid="nav-toggle"
        />
        <a className="app-title" href={hrefFor({ view: 'dashboard' })}>
          <span className="app-logo" aria-hidden />
          Logdock
        </a>
        <ClusterSwitcher />
        <ConnectionLostBanner />
        <StorageBanner />
        <ConnectionStatus />
      </header>
      <NavBar current={section} collapsed={collapsed} />
      <main className="app-main" data-testid={`section-${section ?? 'not-found'}`}>
        {/* Keyed by cluster: switching clusters starts every view afresh on the new one. */}
        <ErrorBoundary key={clusterOf(route)} resetKey={hrefFor(route)}>
          {renderView(route)}
        </ErrorBoundary>
      </main>
      <StatusBar />
      <CommandPalette />
      <Toasts />
    </div>
  );
}

const NAV_KEY = 'logdock.nav.collapsed';
const NARROW = '(max-width: 1199px)';

/**
 * Whether the sidebar shows only icons: what the person chose with the toggle, else
 * collapsed while the window is narrow (under 1200 px) so that the tables keep their room.
 */
function useNavCollapsed(): [boolean, (c: boolean) => void] {
  const [chosen, setChosen] = useState<boolean | null>(() => {
    const saved = localStorage.getItem(NAV_KEY);
    return saved === null ? null : saved === '1';
  });
  const [narrow, setNarrow] = useState(() => window.matchMedia?.(NARROW).matches ?? false);
  useEffect(() => {
    const mq = window.matchMedia?.(NARROW);
    if (!mq) return;
    const onChange = () => setNarrow(mq.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  const set = (c: boolean) => {
    localStorage.setItem(NAV_KEY, c ? '1' : '0');
    setChosen(c);
  };
  return [chosen ?? narrow, set];
}
