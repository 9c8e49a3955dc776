import type { LogdockBridge } from '../../preload/bridge';

declare global {
  interface Window {
    /** Present only in Electron, exposed by the preload; see src/preload/bridge.ts. */
    logdock?: LogdockBridge;
  }
}
