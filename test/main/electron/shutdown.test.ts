import { beforeEach, describe, expect, it, vi } from 'vitest';
import { installGracefulShutdown } from '../../../src/main/electron/shutdown';
import { createLogger } from '../../../src/main/logger';
import { app, resetFakeElectron } from '../../fakes/electron';
import { waitFor } from '../../wait';

vi.mock('electron', () => import('../../fakes/electron'));

async function until(condition: () => boolean, what: string): Promise<void> {
  await waitFor(condition, what);
}

describe('graceful shutdown', () => {
  beforeEach(() => resetFakeElectron());

  it('holds the quit until the services are closed, however often quit is asked for', async () => {
    let finish!: () => void;
    let calls = 0;
    installGracefulShutdown(
      app as never,
      () => {
        calls++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      createLogger({ write: () => {} }),
    );
    app.quit();
    app.quit();
    app.quit();
    expect(app.quitted).toBe(false);
    expect(calls).toBe(1);
    finish();
    await until(() => app.quitted, 'the app to quit');
  });

  it('quits even when closing fails, and logs why', async () => {
    const lines: string[] = [];
    installGracefulShutdown(
      app as never,
      async () => {
        throw new Error('disk gone');
      },
      createLogger({ write: (l) => lines.push(l) }),
    );
    app.quit();
    await until(() => app.quitted, 'the app to quit');
    expect(lines.join('\n')).toContain('shutdown failed: disk gone');
  });

  it('gives up on a close that never ends', async () => {
    const lines: string[] = [];
    installGracefulShutdown(
      app as never,
      () => new Promise<void>(() => {}),
      createLogger({ write: (l) => lines.push(l) }),
      50,
    );
    app.quit();
    await until(() => app.quitted, 'the app to quit');
    expect(lines.join('\n')).toContain('services did not close within 50 ms; quitting anyway');
  });
});
