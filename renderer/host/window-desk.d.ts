import type { DeskApi } from '../../contract/desk-api.ts';

declare global {
  interface Window {
    /** Provided by the Electron preload (`contextBridge.exposeInMainWorld('desk', …)`); absent in a browser. */
    readonly desk?: DeskApi;
  }
}

export {};
