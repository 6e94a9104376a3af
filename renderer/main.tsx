/**
 * Renderer entry: bundles the fonts (no network: Vite emits the woff2 files), connects the host
 * API (Electron's `window.desk` or the web client) and renders the app.
 */
import '@fontsource/jetbrains-mono/400.css';
import '@fontsource/jetbrains-mono/700.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { desk } from './host/desk.ts';
import { connectDesk } from './store/host-api.ts';

connectDesk(desk);

// The web host authenticates with a cookie set when the page is opened with `?token=`; the token
// has done its job, so it leaves the address bar (and the history, screenshots, shared links).
if (desk.host === 'web' && new URLSearchParams(window.location.search).has('token')) {
  window.history.replaceState(null, '', window.location.pathname + window.location.hash);
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
