import type { GroupSummary } from './api';

/**
 * In-memory state of one consumer group, owned by the GroupCoordinator (which holds all the
 * transition logic). Field names follow Kafka's `GroupMetadata`/`MemberMetadata`.
 */
export type GroupState = GroupSummary['state'];

export interface JoinProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinedResult {
  kind: 'joined';
  generationId: number;
  protocolType: string;
  protocolName: string;
  leader: string;
  memberId: string;
  /** Filled for the leader only: every member and its metadata for the chosen protocol. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  skipAssignment: false;
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: JoinProtocol[];
  assignment: Buffer;
  joinWaiter: Waiter<JoinedResult> | null;
  syncWaiter: Waiter<Buffer> | null;
  sessionTimer: NodeJS.Timeout | null;
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  currentStateTimestamp = -1;
  readonly members = new Map<string, Member>();
  /** KIP-394: ids handed out with MEMBER_ID_REQUIRED, awaiting the member's second join. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  /** True while an empty group waits `initialRebalanceDelayMs` for more members. */
  initialJoinDelayed = false;

  constructor(readonly groupId: string) {}

  /** True when every member has a join pending and no KIP-394 member is still expected. */
  allMembersJoined(): boolean {
    for (const m of this.members.values()) if (!m.joinWaiter) return false;
    return this.pendingMembers.size === 0;
  }

  /** Longest rebalance timeout among members: how long a rebalance may wait for rejoins. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Protocols every member supports, in the order of the first member's preference. */
  candidateProtocols(extra?: JoinProtocol[]): string[] {
    const lists = [...this.members.values()].map((m) => m.protocols.map((p) => p.name));
    if (extra) lists.push(extra.map((p) => p.name));
    if (lists.length === 0) return [];
    return lists[0].filter((name) => lists.every((l) => l.includes(name)));
  }

  /** Kafka's vote: each member votes for its most preferred candidate; the most votes wins. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = candidates[0];
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c;
    return best;
  }
}
