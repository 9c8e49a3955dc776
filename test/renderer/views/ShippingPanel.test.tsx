// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices, type Services } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { useAppStore } from '../../../src/renderer/src/store';
import { ShippingPanel } from '../../../src/renderer/src/views/Collectors/ShippingPanel';
import { useLogdock } from '../../main/protocol/helpers';
import { waitUntil } from '../wait';

// The Shipping panel on the real API (full services, in-process transport), shipping to a
// second Logdock over its Kafka listener.

const fixture = useLogdock();
afterEach(() => cleanup());

async function openApp(): Promise<Services> {
  const dataDir = await fixture.tempDir('logdock-shipping-ui-');
  const services = await openServices({ dataDir, mode: 'test', collectors: false });
  fixture.onCleanup(() => services.close());
  useAppStore.getState().setApi(createInProcessClient(createDispatcher(services)), 'in-process');
  return services;
}

function fill(testId: string, value: string): void {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

describe('the shipping panel', () => {
  it('ships a topic to a Kafka address and shows it forwarded, then stops shipping it', async () => {
    const remote = await fixture.start();
    const services = await openApp();
    await services.cluster.createTopic('app', { partitions: 1 });
    await services.cluster.send(
      Array.from({ length: 300 }, (_, i) => ({ topic: 'app', value: Buffer.from(`l${i}`) })),
    );
    render(<ShippingPanel />);
    fireEvent.click(screen.getByTestId('ship-add'));
    fill('ship-topic', 'app');
    fill('ship-address', remote.bootstrap);
    fill('ship-remote-topic', 'team-logs');
    fireEvent.click(screen.getByTestId('ship-save'));
    const row = await screen.findByTestId('ship-row-app', {}, { timeout: 10_000 });
    expect(row.textContent).toContain(`${remote.bootstrap} / team-logs`);
    await waitUntil(
      () => /0 → 0: 300 of 300/.test(screen.getByTestId('ship-row-app').textContent ?? ''),
      'the forwarded offset',
      20_000,
    );
    expect(screen.getByTestId('ship-backlog').textContent).toBe('0');
    expect(screen.getByTestId('ship-state').textContent).toBe('running');
    expect(remote.broker.describeTopic('team-logs').partitions[0].logEndOffset).toBe(300);

    fireEvent.click(screen.getByTestId('ship-remove'));
    fireEvent.click(screen.getByTestId('ship-remove-confirm'));
    await waitUntil(() => screen.queryByTestId('ship-row-app') === null, 'the ship removed');
  });

  it('shows why a ship is refused: a malformed address, a read-only cluster', async () => {
    const services = await openApp();
    await services.clusters.add({
      name: 'prod',
      colour: '#dc2626',
      bootstrapServers: ['127.0.0.1:9'],
      security: { protocol: 'PLAINTEXT' },
      readOnly: true,
    });
    render(<ShippingPanel />);
    fireEvent.click(screen.getByTestId('ship-add'));
    fill('ship-topic', 'app');
    fill('ship-address', 'no-port');
    fill('ship-remote-topic', 'team-logs');
    fireEvent.click(screen.getByTestId('ship-save'));
    const error = await screen.findByTestId('ship-form-error');
    expect(error.textContent).toContain('INVALID_ARGUMENT');
    expect(error.textContent).toContain('host:port');
    // A read-only cluster is offered but disabled; asked for anyway, the API refuses it.
    await waitUntil(() => screen.queryByText('prod (read-only)') !== null, 'the cluster listed');
    expect((screen.getByText('prod (read-only)') as HTMLOptionElement).disabled).toBe(true);
    expect(
      await useAppStore.getState().addShip({ topic: 'app', to: 'cluster://prod/t' }),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
