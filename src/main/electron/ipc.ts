import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import { requestNames, type RequestName } from '../../common/api/contract';
import type { ErrorPayload } from '../../common/errors';
import {
  IPC_EVENT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  type CallOutcome,
  type IpcEventMessage,
} from '../../common/transport/ipc-channels';
import type { CallContext, Dispatcher } from '../api/dispatcher';
import type { Logger } from '../logger';
import { SubscriptionTable } from '../transport/subscription-table';
import { isAppUrl } from './security';

export interface IpcApiOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'off'>;
  dispatcher: Dispatcher;
  /** The app's own page; calls from any other frame are refused. */
  appUrl: string;
  logger: Logger;
  /** `shell.showItemInFolder`, for `messages.exportShow`. */
  showItemInFolder?: (path: string) => void;
}

const subscribeSchema = z.object({
  id: z.number().int().nonnegative(),
  name: z.string(),
  params: z.unknown(),
});
const unsubscribeSchema = z.object({ id: z.number().int().nonnegative() });

/**
 * Serves the API contract over Electron IPC: one `ipcMain.handle` channel per request
 * (named after it) plus the subscribe/unsubscribe channels. Every message first passes
 * `checkSender` (the sender frame must be the app's own page, Electron security
 * checklist item 17) and then the shared Dispatcher, which validates the payload.
 * Returns a function that removes every handler and ends every subscription.
 */
export function registerIpcApi(options: IpcApiOptions): () => void {
  const { ipcMain, dispatcher, appUrl, logger } = options;
  const ctx: CallContext = {
    transport: 'ipc',
    ...(options.showItemInFolder ? { showItemInFolder: options.showItemInFolder } : {}),
  };
  const checkSender = (event: IpcMainEvent | IpcMainInvokeEvent): ErrorPayload | undefined => {
    const url = event.senderFrame?.url;
    if (isAppUrl(url, appUrl)) return undefined;
    logger.warn(`refused IPC from foreign frame ${url ?? '(gone)'}`);
    return { code: 'FORBIDDEN', message: `IPC from ${url ?? 'an unknown frame'} is not allowed` };
  };

  /** The one way a request handler gets registered: typed name, sender check, validation. */
  const handle = <N extends RequestName>(name: N) => {
    ipcMain.handle(name, async (event, params: unknown): Promise<CallOutcome> => {
      const refusal = checkSender(event);
      if (refusal) return { ok: false, error: refusal };
      return dispatcher.call(name, params, ctx);
    });
  };
  for (const name of requestNames) handle(name);

  // Subscriptions per renderer, so that a closed or reloaded window stops its own.
  const subsByContents = new Map<WebContents, SubscriptionTable>();
  const stopAll = (contents: WebContents) => {
    subsByContents.get(contents)?.stopAll();
    subsByContents.delete(contents);
  };

  const onSubscribe = (event: IpcMainEvent, raw: unknown) => {
    const sender = event.sender;
    const send = (msg: IpcEventMessage) => {
      if (!sender.isDestroyed()) sender.send(IPC_EVENT, msg);
    };
    const parsed = subscribeSchema.safeParse(raw);
    if (!parsed.success) {
      logger.warn(`malformed ${IPC_SUBSCRIBE} message ignored`);
      return;
    }
    const { id, name, params } = parsed.data;
    const refusal = checkSender(event);
    if (refusal) return send({ id, kind: 'error', error: refusal });
    let subs = subsByContents.get(sender);
    if (!subs) {
      subs = new SubscriptionTable(dispatcher, ctx);
      subsByContents.set(sender, subs);
      sender.once('destroyed', () => stopAll(sender));
      // A reload keeps the WebContents but forgets the page's listeners.
      sender.on(
        'did-start-navigation',
        (details: { isMainFrame?: boolean; isSameDocument?: boolean }) => {
          if (details?.isMainFrame && !details.isSameDocument) stopAll(sender);
        },
      );
    }
    subs.start(
      id,
      name,
      params,
      (e) => send({ id, kind: 'event', event: e }),
      (error) => send({ id, kind: 'error', error }),
    );
  };

  const onUnsubscribe = (event: IpcMainEvent, raw: unknown) => {
    const parsed = unsubscribeSchema.safeParse(raw);
    if (!parsed.success || checkSender(event)) return;
    subsByContents.get(event.sender)?.stop(parsed.data.id);
  };

  ipcMain.on(IPC_SUBSCRIBE, onSubscribe);
  ipcMain.on(IPC_UNSUBSCRIBE, onUnsubscribe);

  return () => {
    for (const name of requestNames) ipcMain.removeHandler(name);
    ipcMain.off(IPC_SUBSCRIBE, onSubscribe);
    ipcMain.off(IPC_UNSUBSCRIBE, onUnsubscribe);
    for (const contents of [...subsByContents.keys()]) stopAll(contents);
  };
}
