// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { parseHash } from '../../../src/renderer/src/router';
import { useAppStore } from '../../../src/renderer/src/store';
import type { SystemInfo } from '../../../src/renderer/src/store/slices/app';
import { BrowserView } from '../../../src/renderer/src/views/Browser/BrowserView';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { useViewHarness, giveTableHeight } from '../view-harness';
import { waitUntil } from '../wait';

let h: InspectHarness;
/** What the simulated transport was asked to show in the file manager. */
const shown: string[] = [];

useViewHarness(async () => {
  giveTableHeight();
  // A transport that offers both, as no real one does, so each button is tested alone by
  // what system.info (the capability flags) says.
  h = await openInspectHarness({
    exportDownloadPath: (fileName) => `/exports/${fileName}?ticket=t-${fileName}`,
    showItemInFolder: (path) => shown.push(path),
  });
  await h.broker.createTopic('app', { partitions: 1 });
  await fill(
    h.broker,
    'app',
    0,
    Array.from({ length: 20 }, (_, i) => ({
      timestamp: 1_700_000_000_000 + i,
      value: `line ${i}`,
    })),
  );
  return h;
});

function withCapabilities(capabilities: SystemInfo['capabilities']) {
  useAppStore.setState({
    systemInfo: { version: 't', dataDir: h.dir, mode: 'test', kafkaListener: null, capabilities },
  });
}

async function exportTopic() {
  window.location.hash = '#/topics/app?partition=0';
  const route = parseHash(window.location.hash);
  if (route.view !== 'topic') throw new Error('not a topic route');
  render(<BrowserView route={route} />);
  fireEvent.click(await waitUntil(() => screen.queryByTestId('open-export'), 'the export button'));
  fireEvent.click(screen.getByTestId('export-start'));
  return waitUntil(() => screen.queryByTestId('export-result'), 'the export to finish');
}

describe('the export dialog', () => {
  it('offers the finished file for download when the backend serves downloads', async () => {
    withCapabilities({ downloadExports: true, showExportInFolder: false });
    await exportTopic();
    const link = await waitUntil(
      () => screen.queryByTestId('export-download') as HTMLAnchorElement | null,
      'the download link',
    );
    const { fileName } = useAppStore.getState().exportJob.result!;
    expect(fileName).toMatch(/^app-.*\.jsonl$/);
    expect(link.getAttribute('href')).toBe(`/exports/${fileName}?ticket=t-${fileName}`);
    expect(link.getAttribute('download')).toBe(fileName);
    expect(link.textContent).toBe(`Download ${fileName}`);
    expect(screen.queryByTestId('export-show-in-folder')).toBeNull();
  });

  it('offers "Show in folder" instead where the backend has a file manager, and it shows the file', async () => {
    withCapabilities({ downloadExports: false, showExportInFolder: true });
    const result = await exportTopic();
    const button = await waitUntil(
      () => screen.queryByTestId('export-show-in-folder'),
      'the show-in-folder button',
    );
    expect(screen.queryByTestId('export-download')).toBeNull();
    fireEvent.click(button);
    const { path } = useAppStore.getState().exportJob.result!;
    await waitUntil(() => shown.length === 1, 'the file manager to be asked');
    expect(shown).toEqual([path]);
    expect(result.textContent).toContain(path);
  });
});
