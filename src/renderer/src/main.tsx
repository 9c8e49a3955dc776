import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectApi } from './api';
import { ErrorBoundary } from './components/ErrorBoundary';
import { useAppStore } from './store';
import { applyTheme } from './theme';

// Startup: pick the transport, hand the client to the store, then render.
const connection = connectApi();
const store = useAppStore.getState();
store.setApi(connection.client, connection.transport);
applyTheme('system');
// The saved theme applies from the first screen, not only once Settings is opened.
const onConnected = () => void useAppStore.getState().loadSettings();
store.setConnection(connection.status);
if (connection.status === 'open') onConnected();
connection.onStatus((status, error) => {
  useAppStore.getState().setConnection(status, error);
  if (status === 'open') onConnected();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
