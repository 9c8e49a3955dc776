import type { settingsRequests, settingsSubscriptions } from '../../common/api/settings';
import type { SettingsStore } from '../settings/store';
import type { HandlersFor, SubscriptionHandlersFor } from './dispatcher';

/** Handlers of the `settings.*` requests. */
export function createSettingsHandlers({
  settings,
}: {
  settings: SettingsStore;
}): HandlersFor<typeof settingsRequests> {
  return {
    'settings.get': () => settings.view(),
    'settings.update': ({ patch }) => settings.update(patch),
  };
}

export function createSettingsSubscriptions({
  settings,
}: {
  settings: SettingsStore;
}): SubscriptionHandlersFor<typeof settingsSubscriptions> {
  return {
    'settings.changed': (_params, emit) => {
      emit(settings.view());
      return settings.onChange(emit);
    },
  };
}
