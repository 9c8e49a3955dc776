// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionLostBanner,
  ConnectionStatus,
} from '../../../src/renderer/src/components/ConnectionStatus';
import { ErrorBoundary } from '../../../src/renderer/src/components/ErrorBoundary';
import { useAppStore } from '../../../src/renderer/src/store';
import { applyTheme } from '../../../src/renderer/src/theme';

function Boom({ when }: { when: boolean }) {
  if (when) throw new Error('the view broke');
  return <p>fine</p>;
}

describe('the renderer frame components', () => {
  afterEach(() => {
    cleanup();
    useAppStore.setState({ connection: { status: 'connecting', error: null, lost: false } });
  });

  it('shows a rendering error instead of a blank window and recovers when the route changes', () => {
    const quiet = console.error;
    console.error = () => {}; // React reports the caught error; the test expects it
    try {
      const { rerender } = render(
        <ErrorBoundary resetKey="#/topics">
          <Boom when />
        </ErrorBoundary>,
      );
      expect(screen.getByTestId('error-boundary').textContent).toContain('the view broke');
      rerender(
        <ErrorBoundary resetKey="#/groups">
          <Boom when={false} />
        </ErrorBoundary>,
      );
      expect(screen.queryByTestId('error-boundary')).toBeNull();
      expect(screen.getByText('fine')).toBeTruthy();
    } finally {
      console.error = quiet;
    }
  });

  it('offers to try again after an error', () => {
    const quiet = console.error;
    console.error = () => {};
    let broken = true;
    function Flaky() {
      return <Boom when={broken} />;
    }
    try {
      render(
        <ErrorBoundary>
          <Flaky />
        </ErrorBoundary>,
      );
      broken = false;
      fireEvent.click(screen.getByText('Try again'));
      expect(screen.getByText('fine')).toBeTruthy();
    } finally {
      console.error = quiet;
    }
  });

  it('shows the connection status and the reason of a refusal', () => {
    render(<ConnectionStatus />);
    const status = screen.getByTestId('connection-status');
    expect(status.dataset.status).toBe('connecting');
    act(() => useAppStore.getState().setConnection('open'));
    expect(status.dataset.status).toBe('open');
    expect(status.textContent).toBe('Connected');
    act(() =>
      useAppStore
        .getState()
        .setConnection('closed', { code: 'UNAUTHENTICATED', message: 'wrong API token' }),
    );
    expect(status.dataset.status).toBe('closed');
    expect(status.textContent).toBe('Disconnected — wrong API token');
  });

  it('says the connection was lost while it is retried, and stops saying so when it returns', () => {
    render(
      <>
        <ConnectionLostBanner />
        <ConnectionStatus />
      </>,
    );
    const status = screen.getByTestId('connection-status');
    const set = useAppStore.getState().setConnection;
    // Connecting for the first time is not a lost connection.
    expect(screen.queryByTestId('connection-lost')).toBeNull();
    act(() => set('open'));
    act(() => set('closed'));
    expect(screen.getByTestId('connection-lost').textContent).toMatch(/Lost the connection/);
    expect(status.dataset.lost).toBe('true');
    // Each retry passes through connecting and closed; the indicator stays on one word.
    act(() => set('connecting'));
    act(() => set('closed'));
    expect(status.textContent).toBe('Reconnecting…');
    act(() => set('open'));
    expect(screen.queryByTestId('connection-lost')).toBeNull();
    expect(status.dataset.lost).toBeUndefined();
    expect(status.textContent).toBe('Connected');
    // A refusal is final: it is shown as such, not as an endless reconnect.
    act(() => set('closed'));
    act(() => set('closed', { code: 'UNAUTHENTICATED', message: 'wrong API token' }));
    expect(screen.queryByTestId('connection-lost')).toBeNull();
    expect(status.textContent).toBe('Disconnected — wrong API token');
  });

  it('switches between following the OS and a forced theme', () => {
    const root = document.documentElement;
    applyTheme('dark', root);
    expect(root.dataset.theme).toBe('dark');
    applyTheme('light', root);
    expect(root.dataset.theme).toBe('light');
    applyTheme('system', root);
    expect(root.dataset.theme).toBeUndefined();
  });
});
