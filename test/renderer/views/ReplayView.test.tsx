// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import {
  buildReplayRequest,
  emptyReplayDraft,
} from '../../../src/renderer/src/views/Replay/buildReplay';
import { ReplayView } from '../../../src/renderer/src/views/Replay/ReplayView';
import { openOpsHarness, text, type OpsHarness } from '../../main/api/ops-harness';
import { waitUntil } from '../wait';

let h: OpsHarness;
beforeAll(async () => {
  h = await openOpsHarness();
  await h.broker.createTopic('app');
  await h.broker.send(
    Array.from({ length: 30 }, (_, i) => ({ topic: 'app', value: text(`m${i}`) })),
  );
  useAppStore.getState().setApi(h.client, 'in-process');
});
afterEach(() => cleanup());
afterAll(async () => {
  await h.close();
});

describe('the replay view', () => {
  it('replays an offset range into a new topic and shows the finished job', async () => {
    render(<ReplayView topic="app" />);
    fireEvent.change(screen.getByLabelText('From (inclusive)'), { target: { value: 'offset' } });
    fireEvent.change(screen.getByTestId('replay-from-offset'), { target: { value: '10' } });
    fireEvent.change(screen.getByLabelText('To (exclusive)'), { target: { value: 'offset' } });
    fireEvent.change(screen.getByTestId('replay-to-offset'), { target: { value: '20' } });
    expect((screen.getByLabelText('Target topic') as HTMLInputElement).value).toBe('app.replay');
    fireEvent.click(screen.getByTestId('replay-start'));
    await waitUntil(
      () => screen.queryByTestId('replay-state')?.textContent === 'done',
      'the job to finish',
    );
    expect(screen.getByTestId('replay-progress').textContent).toBe('10/10 read, 10 written');
    const copied = await h.broker.readRecords('app.replay', 0, 0, { maxRecords: 100 });
    expect(copied.map((r) => r.value?.toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i + 10}`),
    );
  });

  it('shows why the server refused a replay', async () => {
    render(<ReplayView />);
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'missing' } });
    fireEvent.change(screen.getByLabelText('Target topic'), { target: { value: 'elsewhere' } });
    fireEvent.click(screen.getByTestId('replay-start'));
    const error = await screen.findByTestId('replay-error', {}, { timeout: 10_000 });
    expect(error.textContent).toMatch(/UNKNOWN_TOPIC/);
  });

  it('checks the form before sending it', () => {
    const draft = emptyReplayDraft('app');
    expect(buildReplayRequest({ ...draft, targetTopic: 'app' })).toEqual({
      error: 'Target topic: must differ from the source on the same cluster',
    });
    // The same name on another cluster is another topic.
    expect(
      buildReplayRequest({ ...draft, sourceCluster: 'prod', targetTopic: 'app' }),
    ).toMatchObject({
      request: {
        range: { cluster: 'prod', topic: 'app' },
        target: { kind: 'topic', cluster: 'local', topic: 'app' },
      },
    });
    expect(buildReplayRequest({ ...draft, from: { kind: 'offset', value: '-3' } })).toEqual({
      error: 'From: an offset ≥ 0',
    });
    expect(buildReplayRequest({ ...draft, target: 'file', path: 'out.jsonl' })).toEqual({
      error: 'File: an absolute path',
    });
    expect(
      buildReplayRequest({ ...draft, target: 'group', groupId: 'svc', filter: 'level == "x"' }),
    ).toEqual({
      error: 'A consumer group cannot be moved to a filtered range',
    });
    expect(buildReplayRequest({ ...draft, partition: '1', text: 'boom' })).toEqual({
      request: {
        range: {
          cluster: 'local',
          topic: 'app',
          partition: 1,
          from: { kind: 'earliest' },
          to: { kind: 'latest' },
          filter: { text: 'boom' },
        },
        target: {
          kind: 'topic',
          cluster: 'local',
          topic: 'app.replay',
          keepKeys: true,
          keepHeaders: true,
          keepTimestamps: true,
          keepPartitions: false,
        },
      },
    });
  });
});
