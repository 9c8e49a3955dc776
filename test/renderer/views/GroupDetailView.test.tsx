// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import { buildResetRequest } from '../../../src/renderer/src/views/Groups/ResetOffsetsForm';
import { GroupDetailView } from '../../../src/renderer/src/views/Groups/GroupDetailView';
import { GroupsView } from '../../../src/renderer/src/views/Groups/GroupsView';
import type { Consumer } from '../../../src/main/broker';
import { openOpsHarness, text, type OpsHarness } from '../../main/api/ops-harness';
import { waitUntil } from '../wait';
import { waitFor } from '../../wait';

let h: OpsHarness;
let consumer: Consumer;

beforeAll(async () => {
  h = await openOpsHarness();
  await h.broker.createTopic('orders', { partitions: 2 });
  await h.broker.send(
    Array.from({ length: 8 }, (_, i) => ({
      topic: 'orders',
      partition: i % 2,
      value: text(`o${i}`),
    })),
  );
  consumer = h.broker.consumer({
    groupId: 'billing',
    clientId: 'billing-svc',
    autoOffsetReset: 'earliest',
  });
  consumer.subscribe(['orders']);
  await waitUntilAsync(async () => (await consumer.poll(100)).length > 0);
  await consumer.commitSync([
    { topic: 'orders', partition: 0, offset: 4 },
    { topic: 'orders', partition: 1, offset: 2 },
  ]);
  useAppStore.getState().setApi(h.client, 'in-process');
});
afterEach(() => cleanup());
afterAll(async () => {
  await consumer.close();
  await h.close();
});

function waitUntilAsync(condition: () => Promise<boolean>): Promise<true> {
  return waitFor(condition, 'condition');
}

describe('the consumer groups views', () => {
  it('lists the group with its state, members and total lag', async () => {
    render(<GroupsView />);
    const row = await screen.findByTestId('group-row-billing', {}, { timeout: 10_000 });
    expect(row.textContent).toContain('Stable');
    expect(row.textContent).toContain('orders');
    expect(screen.getByTestId('group-total-lag').textContent).toBe('2');
  });

  it('shows members and per-partition lag, and refuses to execute while members are active', async () => {
    render(<GroupDetailView groupId="billing" />);
    const members = await screen.findByTestId('members-table', {}, { timeout: 10_000 });
    expect(members.textContent).toContain('billing-svc');
    expect(members.textContent).toContain('orders[0, 1]');
    expect(screen.getByTestId('lag-orders-1').textContent).toMatch(/orders\s*1\s*2\s*4\s*2/);
    fireEvent.click(screen.getByTestId('reset-plan'));
    await screen.findByTestId('reset-plan-table', {}, { timeout: 10_000 });
    expect(screen.getByTestId('reset-blocked').textContent).toMatch(
      /1 active member\(s\) \(billing-svc@/,
    );
    expect((screen.getByTestId('reset-execute') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('delete-group') as HTMLButtonElement).disabled).toBe(true);
  });

  it('executes a planned shift once the consumer has left', async () => {
    await consumer.close();
    await waitUntil(() => h.broker.describeGroup('billing').members === 0, 'the member to leave');
    render(<GroupDetailView groupId="billing" />);
    await screen.findByTestId('reset-form', {}, { timeout: 10_000 });
    fireEvent.change(screen.getByLabelText('Move to'), { target: { value: 'shift' } });
    fireEvent.change(screen.getByLabelText('Shift by'), { target: { value: '-1' } });
    fireEvent.click(screen.getByTestId('reset-plan'));
    const table = await screen.findByTestId('reset-plan-table', {}, { timeout: 10_000 });
    expect(table.textContent).toMatch(/orders\s*0\s*4\s*3/);
    expect(screen.queryByTestId('reset-blocked')).toBeNull();
    fireEvent.click(screen.getByTestId('reset-execute'));
    await screen.findByTestId('reset-done', {}, { timeout: 10_000 });
    expect([...h.broker.committedOffsets('billing').entries()].sort()).toEqual([
      ['orders:0', 3],
      ['orders:1', 1],
    ]);
  });

  it('checks the form before asking for a plan', () => {
    expect(
      buildResetRequest('g', {
        scope: 'group',
        topic: '',
        partition: '',
        kind: 'offset',
        value: 'x',
      }),
    ).toEqual({
      error: 'Offset: a whole number ≥ 0',
    });
    expect(
      buildResetRequest('g', {
        scope: 'partition',
        topic: 't',
        partition: '2',
        kind: 'latest',
        value: '',
      }),
    ).toEqual({
      request: { groupId: 'g', topic: 't', partition: 2, spec: { kind: 'latest' } },
    });
    expect(
      buildResetRequest('g', {
        scope: 'topic',
        topic: '',
        partition: '',
        kind: 'earliest',
        value: '',
      }),
    ).toEqual({
      error: 'Topic: choose one',
    });
  });
});
