// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CommandPalette } from '../../../src/renderer/src/components/CommandPalette';
import { useAppStore } from '../../../src/renderer/src/store';
import { TopicsView } from '../../../src/renderer/src/views/Topics/TopicsView';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { useViewHarness } from '../view-harness';
import { waitUntil } from '../wait';

let h: InspectHarness;

useViewHarness(async () => {
  h = await openInspectHarness();
  await h.broker.createTopic('app-logs', { partitions: 3 });
  await h.broker.createTopic('audit', { partitions: 1 });
  await fill(h.broker, 'app-logs', 0, [
    { timestamp: Date.now() - 5000, value: 'a' },
    { timestamp: Date.now() - 4000, value: 'b' },
  ]);
  return h;
});

describe('the topics view', () => {
  it('lists topics with their figures and filters them by name', async () => {
    render(<TopicsView />);
    const rowEl = await screen.findByTestId('topic-row-app-logs', {}, { timeout: 10_000 });
    expect(rowEl.textContent).toMatch(/app-logs3\s*2/);
    expect(rowEl.textContent).toMatch(/s ago/);
    expect(screen.getByTestId('topic-link-app-logs').getAttribute('href')).toBe(
      '#/topics/app-logs',
    );
    fireEvent.change(screen.getByTestId('topics-filter'), { target: { value: 'AUD' } });
    expect(screen.queryByTestId('topic-row-app-logs')).toBeNull();
    expect(screen.getByTestId('topic-row-audit')).toBeTruthy();
    fireEvent.change(screen.getByTestId('topics-filter'), { target: { value: 'zzz' } });
    expect(screen.getByTestId('topics-empty').textContent).toBe('No topic name contains “zzz”.');
    fireEvent.change(screen.getByTestId('topics-filter'), { target: { value: '' } });
  });

  it('checks a new topic name as it is typed and creates the topic', async () => {
    render(<TopicsView />);
    fireEvent.click(screen.getByTestId('topics-new'));
    fireEvent.change(screen.getByTestId('create-topic-name'), { target: { value: 'bad name' } });
    expect(screen.getByRole('alert').textContent).toBe(
      'topic name may only contain letters, digits, ".", "_" and "-"',
    );
    expect((screen.getByTestId('create-topic-submit') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('create-topic-name'), { target: { value: 'fresh' } });
    fireEvent.change(screen.getByTestId('create-topic-partitions'), { target: { value: '4' } });
    fireEvent.click(screen.getByTestId('create-topic-submit'));
    await screen.findByTestId('topic-row-fresh', {}, { timeout: 10_000 });
    expect(h.broker.describeTopic('fresh').partitions).toHaveLength(4);
  });

  it('deletes a topic only after its name is typed again', async () => {
    render(<TopicsView />);
    fireEvent.click(await screen.findByTestId('topic-delete-audit', {}, { timeout: 10_000 }));
    const confirm = screen.getByTestId('delete-topic-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('delete-topic-confirm-name'), {
      target: { value: 'audit' },
    });
    fireEvent.click(confirm);
    await waitUntil(() => screen.queryByTestId('topic-row-audit') === null, 'the row to go');
    expect(h.broker.listTopics().map((t) => t.name)).not.toContain('audit');
  });
});

describe('the command palette', () => {
  it('opens with Ctrl+K and goes to a topic', async () => {
    render(<CommandPalette />);
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const input = await screen.findByTestId('palette-input');
    fireEvent.change(input, { target: { value: 'app' } });
    await waitUntil(
      () =>
        screen
          .queryAllByTestId('palette-option')
          .some((o) => o.textContent === 'Open topic app-logs'),
      'the topic option',
    );
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(window.location.hash).toBe('#/topics/app-logs');
    expect(screen.queryByTestId('command-palette')).toBeNull();
  });

  it('offers an offset and a time inside an open topic', async () => {
    await useAppStore.getState().openBrowser('app-logs', [0]);
    render(<CommandPalette />);
    fireEvent.keyDown(window, { key: 'k', metaKey: true });
    const input = await screen.findByTestId('palette-input');
    fireEvent.change(input, { target: { value: '1' } });
    expect(screen.getAllByTestId('palette-option')[0].textContent).toBe(
      'Go to partition 0, offset 1 in app-logs',
    );
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitUntil(() => useAppStore.getState().browser.selected === 1, 'the seek');
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.change(await screen.findByTestId('palette-input'), {
      target: { value: '2026-05-01 10:00' },
    });
    expect(screen.getAllByTestId('palette-option')[0].textContent).toMatch(
      /^Go to .* in app-logs$/,
    );
    fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Escape' });
    expect(screen.queryByTestId('command-palette')).toBeNull();
  });

  it('offers a bare offset in each partition of a view of several, and goes to the chosen one', async () => {
    await useAppStore.getState().openBrowser('app-logs', null);
    await waitUntil(
      () => useAppStore.getState().browser.topicPartitions.length === 3,
      'the topic partitions',
    );
    render(<CommandPalette />);
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const input = await screen.findByTestId('palette-input');
    fireEvent.change(input, { target: { value: '1' } });
    const options = screen.getAllByTestId('palette-option').map((o) => o.textContent);
    expect(options.slice(0, 3)).toEqual([
      'Go to partition 0, offset 1 in app-logs',
      'Go to partition 1, offset 1 in app-logs',
      'Go to partition 2, offset 1 in app-logs',
    ]);
    fireEvent.change(input, { target: { value: '0:1' } });
    expect(
      screen.getAllByTestId('palette-option').filter((o) => o.textContent?.includes('offset')),
    ).toHaveLength(1);
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitUntil(() => {
      const state = useAppStore.getState();
      const row = state.rowAt(state.browser.selected ?? -1);
      return row?.partition === 0 && row.offset === 1;
    }, 'the seek to partition 0, offset 1');
  });
});
