// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { parseHash } from '../../../src/renderer/src/router';
import { useAppStore } from '../../../src/renderer/src/store';
import { BrowserView } from '../../../src/renderer/src/views/Browser/BrowserView';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { useViewHarness, giveTableHeight } from '../view-harness';
import { waitUntil } from '../wait';

let h: InspectHarness;

useViewHarness(async () => {
  giveTableHeight();
  h = await openInspectHarness();
  await h.broker.createTopic('app', { partitions: 2 });
  await fill(
    h.broker,
    'app',
    0,
    Array.from({ length: 5 }, (_, i) => ({ timestamp: 1_700_000_000_000 + i, value: `line ${i}` })),
  );
  return h;
});

async function openProduce() {
  window.location.hash = '#/topics/app?partition=0';
  const route = parseHash(window.location.hash);
  if (route.view !== 'topic') throw new Error('not a topic route');
  render(<BrowserView route={route} />);
  await waitUntil(
    () => document.querySelector('[data-testid="msg-row"][data-offset="4"]'),
    'row 4',
  );
  const opener = screen.getByTestId('open-produce');
  opener.focus();
  fireEvent.click(opener);
  return { dialog: screen.getByRole('dialog', { name: 'Produce a message' }), opener };
}

describe('the produce dialog', () => {
  it('is the shared modal dialog: focus moves into it, keys stay in it, Escape closes it and gives focus back', async () => {
    const { dialog, opener } = await openProduce();
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.dataset.testid).toBe('produce-dialog');
    expect(document.activeElement).toBe(screen.getByTestId('produce-key'));
    const selected = useAppStore.getState().browser.selected;
    // k on the dialog's Send button does not move the table behind it (at its newest row).
    const send = screen.getByTestId('produce-send');
    send.focus();
    fireEvent.keyDown(send, { key: 'k' });
    expect(selected).toBe(4);
    expect(useAppStore.getState().browser.selected).toBe(4);
    fireEvent.keyDown(screen.getByTestId('produce-key'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('checks JSON and header lines before sending, then writes the message to the partition chosen', async () => {
    const { dialog } = await openProduce();
    fireEvent.change(screen.getByTestId('produce-format'), { target: { value: 'json' } });
    fireEvent.change(screen.getByTestId('produce-value'), { target: { value: '{"a": ' } });
    expect(screen.getByTestId('produce-json-error').textContent).toMatch(/^Not valid JSON/);
    expect((screen.getByTestId('produce-send') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('produce-value'), { target: { value: '{"a": 1}' } });
    fireEvent.change(screen.getByTestId('produce-headers'), { target: { value: 'no equals' } });
    expect(screen.getByTestId('produce-headers-error').textContent).toBe(
      'header line 1: write name=value',
    );
    fireEvent.change(screen.getByTestId('produce-headers'), { target: { value: 'host=web-1' } });
    fireEvent.change(screen.getByTestId('produce-key'), { target: { value: 'k1' } });
    fireEvent.change(screen.getByTestId('produce-partition'), { target: { value: '1' } });
    fireEvent.click(within(dialog).getByTestId('produce-send'));
    const result = await waitUntil(() => screen.queryByTestId('produce-result'), 'the result');
    expect(result.textContent).toBe('Written to partition 1 at offset 0.');
    const [stored] = await h.cluster.readRecords('app', 1, 0, { maxRecords: 1 });
    expect(stored.value?.toString()).toBe('{"a": 1}');
    expect(stored.key?.toString()).toBe('k1');
    expect(stored.headers.map((x) => [x.key, x.value?.toString()])).toEqual([['host', 'web-1']]);
  });
});
