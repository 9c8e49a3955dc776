/**
 * The part of the broker the protocol server uses: its public `BrokerApi` plus the group
 * coordinator it shares (`broker.groups`). Kept in one place so that the handlers do not
 * depend on the broker's internals.
 */
import type { BrokerApi } from '../broker/api';
import type { GroupCoordinator } from '../broker/coordinator';

export type Broker = BrokerApi & { readonly groups: GroupCoordinator };
