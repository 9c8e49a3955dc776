import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { clusterOf, parseHash } from './router';
import { connectApi } from './api';
import { ErrorBoundary } from './components/ErrorBoundary';
import { useAppStore } from './store';
import { applyTheme } from './theme';

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
