import type { StateCreator } from 'zustand';
import type { ParamsOf, ResultOf } from '../../../../common/api/contract';
import type { GroupDetail, GroupSummary, LagPoint } from '../../../../common/api/groups';
import type { ErrorPayload } from '../../../../common/errors';
import { errorOf } from '../../views/ops-common/errors';
import type { AppState } from '../index';

export type ResetRequest = Omit<ParamsOf<'groups.resetOffsets'>, 'dryRun'>;
export type ResetResult = ResultOf<'groups.resetOffsets'>;

export interface GroupsState {
  list: GroupSummary[];
  listError: ErrorPayload | null;
  loaded: boolean;
  detail: GroupDetail | null;
  detailError: ErrorPayload | null;
  lag: LagPoint[];
  /** The dry-run plan last shown, with the request that produced it. */
  plan: { request: ResetRequest; result: ResetResult } | null;
  /** The plan the last execution applied. */
  executed: ResetResult | null;
  resetError: ErrorPayload | null;
  busy: boolean;
}

/**
 * Consumer groups: the list, one group's detail and lag history, and the reset-offsets
 * workflow (dry run first, then execute exactly the request that was planned).
 */
export interface GroupsSlice {
  groups: GroupsState;
  loadGroups(): Promise<void>;
  loadGroup(groupId: string): Promise<void>;
  planReset(request: ResetRequest): Promise<void>;
  /** Executes the request of the current plan; the view only offers it once a plan is shown. */
  executeReset(): Promise<void>;
  clearPlan(): void;
  /** Deletes the group; resolves true when it was deleted. */
  deleteGroup(groupId: string): Promise<boolean>;
}

const initial: GroupsState = {
  list: [],
  listError: null,
  loaded: false,
  detail: null,
  detailError: null,
  lag: [],
  plan: null,
  executed: null,
  resetError: null,
  busy: false,
};

export const createGroupsSlice: StateCreator<AppState, [], [], GroupsSlice> = (set, get) => {
  const patch = (p: Partial<GroupsState>) => set((s) => ({ groups: { ...s.groups, ...p } }));
  return {
    groups: initial,
    loadGroups: async () => {
      try {
        patch({ list: await get().api.call('groups.list', {}), listError: null, loaded: true });
      } catch (err) {
        patch({ listError: errorOf(err), loaded: true });
      }
    },
    loadGroup: async (groupId) => {
      try {
        const [detail, history] = await Promise.all([
          get().api.call('groups.describe', { groupId }),
          get().api.call('groups.lagHistory', { groupId }),
        ]);
        patch({ detail, lag: history.points, detailError: null });
      } catch (err) {
        patch({ detailError: errorOf(err) });
      }
    },
    planReset: async (request) => {
      patch({ busy: true, resetError: null, executed: null });
      try {
        const result = await get().api.call('groups.resetOffsets', { ...request, dryRun: true });
        patch({ plan: { request, result } });
      } catch (err) {
        patch({ plan: null, resetError: errorOf(err) });
      } finally {
        patch({ busy: false });
      }
    },
    executeReset: async () => {
      const plan = get().groups.plan;
      if (!plan) return;
      patch({ busy: true, resetError: null });
      try {
        const executed = await get().api.call('groups.resetOffsets', {
          ...plan.request,
          dryRun: false,
        });
        patch({ executed, plan: null });
        await get().loadGroup(plan.request.groupId);
      } catch (err) {
        patch({ resetError: errorOf(err) });
      } finally {
        patch({ busy: false });
      }
    },
    clearPlan: () => patch({ plan: null, resetError: null, executed: null }),
    deleteGroup: async (groupId) => {
      try {
        await get().api.call('groups.delete', { groupId });
        patch({ detail: null, lag: [] });
        await get().loadGroups();
        return true;
      } catch (err) {
        patch({ detailError: errorOf(err) });
        return false;
      }
    },
  };
};
