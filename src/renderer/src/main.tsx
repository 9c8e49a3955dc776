import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { clusterOf, parseHash } from './router';
import { connectApi } from './api';
import { ErrorBoundary } from './components/ErrorBoundary';
import { useAppStore } from './store';
import { applyTheme } from './theme';
import { preloadChart } from './views/ops-common/TimeChart';

// Startup: pick the transport, hand the client to the store, then render.
const connection = connectApi();
const store = useAppStore.getState();
store.setApi(connection.client, connection.transport);
// The store's client follows the cluster in the address; registered before React's own
// hashchange listener so views re-rendered for a new address already call the new cluster.
const followCluster = () => useAppStore.getState().setCluster(clusterOf(parseHash(location.hash)));
followCluster();
window.addEventListener('hashchange', followCluster);
applyTheme('system');
store.setConnection(connection.status);
connection.onStatus((status, error) => useAppStore.getState().setConnection(status, error));
// The saved theme applies from the first screen, not only once Settings is opened, and
// follows later changes; the subscription survives reconnects.
store.followThemeSetting();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);

// The charts' library is loaded once the first screen is up and the page is idle, not in
// the middle of a busy frame when the first chart appears (see preloadChart).
if (typeof requestIdleCallback === 'function') requestIdleCallback(preloadChart, { timeout: 5000 });
else setTimeout(preloadChart, 2000);
