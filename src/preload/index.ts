import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

// The sandboxed preload: exposes the typed bridge (one function per request, plus
// subscribe) and nothing else. `ipcRenderer` itself never reaches the page.
contextBridge.exposeInMainWorld('logdock', createBridge(ipcRenderer));
