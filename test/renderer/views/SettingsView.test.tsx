// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import { SettingsView } from '../../../src/renderer/src/views/Settings/SettingsView';
import { TopicSettingsView } from '../../../src/renderer/src/views/TopicSettings/TopicSettingsView';
import { openOpsHarness, text, type OpsHarness } from '../../main/api/ops-harness';
import { waitUntil } from '../wait';

let h: OpsHarness;
beforeAll(async () => {
  h = await openOpsHarness();
  useAppStore.getState().setApi(h.client, 'in-process');
});
afterEach(() => cleanup());
afterAll(async () => {
  await h.close();
});

describe('the settings view', () => {
  it('refuses a malformed value, saves a good one, applies the theme and asks for a restart', async () => {
    render(<SettingsView />);
    const port = (await screen.findByLabelText(
      'Port',
      {},
      { timeout: 10_000 },
    )) as HTMLInputElement;
    await waitUntil(() => port.value === '9092', 'the saved port');
    fireEvent.change(screen.getByLabelText('Default retention (new topics)'), {
      target: { value: 'a while' },
    });
    fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByText(/Default retention: e\.g\. 7d/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Default retention (new topics)'), {
      target: { value: '3d' },
    });
    fireEvent.change(port, { target: { value: '19092' } });
    fireEvent.change(screen.getByLabelText('Theme'), { target: { value: 'dark' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved', {}, { timeout: 10_000 });
    expect(screen.getByTestId('settings-restart').textContent).toContain('Kafka listener');
    expect(document.documentElement.dataset.theme).toBe('dark');
    const view = await h.client.call('settings.get', {});
    expect(view.settings).toMatchObject({
      defaultRetentionMs: 3 * 86_400_000,
      theme: 'dark',
      kafkaListener: { port: 19092, tls: null },
    });
  });

  it('saves the Kafka listener TLS files, and refuses a certificate without its key', async () => {
    render(<SettingsView />);
    const cert = (await screen.findByLabelText(
      'TLS certificate (PEM)',
      {},
      { timeout: 10_000 },
    )) as HTMLInputElement;
    fireEvent.change(cert, { target: { value: '/etc/logdock/kafka.pem' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByText('TLS: the certificate and its key go together')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('TLS key (PEM)'), {
      target: { value: '/etc/logdock/kafka.key' },
    });
    fireEvent.change(screen.getByLabelText('Client CA (PEM, optional)'), {
      target: { value: '/etc/logdock/clients-ca.pem' },
    });
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitUntil(
      async () => (await h.client.call('settings.get', {})).settings.kafkaListener.tls !== null,
      'the TLS files saved',
    );
    expect((await h.client.call('settings.get', {})).settings.kafkaListener.tls).toEqual({
      certFile: '/etc/logdock/kafka.pem',
      keyFile: '/etc/logdock/kafka.key',
      caFile: '/etc/logdock/clients-ca.pem',
    });
    expect(screen.getByTestId('settings-restart').textContent).toContain('Kafka listener');
  });
});

describe('the topic settings view', () => {
  it('validates each field, applies retention and partitions, and lists segments', async () => {
    await h.broker.createTopic('logs', { partitions: 2, configs: { 'segment.bytes': 1024 } });
    for (let i = 0; i < 20; i++) {
      await h.broker.send([
        {
          topic: 'logs',
          partition: 0,
          value: text('x'.repeat(200)),
          timestamp: Date.now() - 86_400_000 * 3,
        },
      ]);
    }
    render(<TopicSettingsView topic="logs" />);
    const retention = (await screen.findByLabelText(
      'Retention time',
      {},
      { timeout: 10_000 },
    )) as HTMLInputElement;
    expect(retention.value).toBe('7d');
    const segmentsBefore = h.broker.segments('logs', 0).length;
    expect(screen.getByTestId('segments-table').querySelectorAll('tbody tr').length).toBe(
      segmentsBefore + 1,
    );

    fireEvent.change(screen.getByLabelText('Partitions (increase only)'), {
      target: { value: '1' },
    });
    fireEvent.change(retention, { target: { value: 'soon' } });
    fireEvent.click(screen.getByTestId('topic-settings-save'));
    expect(screen.getByText('can only be increased (now 2)')).toBeTruthy();
    expect(screen.getByText('e.g. 7d, 12h, 30m or forever')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Partitions (increase only)'), {
      target: { value: '3' },
    });
    fireEvent.change(retention, { target: { value: '1d' } });
    fireEvent.click(screen.getByTestId('topic-settings-save'));
    await screen.findByTestId('topic-settings-saved', {}, { timeout: 10_000 });
    expect(h.broker.describeTopic('logs').partitions).toHaveLength(3);
    expect(h.broker.describeTopic('logs').configs['retention.ms']).toBe(86_400_000);
    // The three-day-old closed segments went at once.
    expect(h.broker.segments('logs', 0).length).toBe(1);
    await waitUntil(
      () => screen.getByTestId('segments-table').querySelectorAll('tbody tr').length === 3,
      'one segment per partition',
    );
  });

  it("shows a compacted topic's segments as cleaned or not yet compacted, and no such column for other topics", async () => {
    await h.broker.createTopic('state', {
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': 200 },
    });
    for (let i = 0; i < 30; i++) {
      await h.broker.send([
        { topic: 'state', partition: 0, key: text(`k${i % 3}`), value: text('v'.repeat(60)) },
      ]);
    }
    await h.broker.runMaintenance();
    render(<TopicSettingsView topic="state" />);
    await screen.findByTestId('segments-table', {}, { timeout: 10_000 });
    const cells = () => [...document.querySelectorAll('[data-compaction]')];
    await waitUntil(() => cells().length > 1, 'the compaction column');
    expect(screen.getByRole('columnheader', { name: 'Compaction' })).toBeTruthy();
    expect(cells().some((c) => c.textContent === 'cleaned')).toBe(true);
    expect(cells().at(-1)!.textContent).toBe('not yet compacted');
    cleanup();
    render(<TopicSettingsView topic="logs" />);
    await screen.findByTestId('segments-table', {}, { timeout: 10_000 });
    expect(screen.queryByRole('columnheader', { name: 'Compaction' })).toBeNull();
  });
});
