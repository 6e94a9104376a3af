/**
 * The app frame: the main navigation, the screen, the hidden file input every "open" path ends
 * in, window-wide drag and drop, and the keyboard shortcuts (Ctrl/Cmd+O open, Ctrl/Cmd+1/2/3/4
 * switch screens).
 */
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { DroppedFile } from '../contract/desk-api.ts';
import { ChangeSetsScreen } from './screens/ChangeSetsScreen.tsx';
import { ExportDialog } from './screens/ExportDialog.tsx';
import { MappingDialog } from './screens/MappingDialog.tsx';
import { ExperimentScreen } from './screens/ExperimentScreen.tsx';
import { ExperimentsScreen } from './screens/ExperimentsScreen.tsx';
import { ImportScreen } from './screens/ImportScreen.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';
import { loadExperimentsAtStart } from './store/actions/experiments.ts';
import { connectHostEvents, openFiles, registerPagePicker } from './store/actions/host-events.ts';
import { importDroppedFiles } from './store/actions/import.ts';
import { navigate } from './store/actions/navigation.ts';
import { openReportExport } from './store/actions/report.ts';
import { loadOutbox } from './store/actions/outbox.ts';
import { loadSettings } from './store/actions/settings.ts';
import { deskApi } from './store/host-api.ts';
import type { Screen } from './store/slices/navigation.ts';
import { useDeskStore } from './store/store.ts';

const NAV: ReadonlyArray<{ readonly screen: Screen; readonly label: string; readonly key: string }> = [
  { screen: 'import', label: 'Import', key: '1' },
  { screen: 'experiments', label: 'Experiments', key: '2' },
  { screen: 'settings', label: 'Settings', key: '3' },
  { screen: 'changesets', label: 'ChangeSets', key: '4' },
];

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';

function hasFiles(event: DragEvent): boolean {
  return !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
}

export function App() {
  const screen = useDeskStore((s) => s.navigation.screen);
  const mappingOpen = useDeskStore((s) => s.importer.mapping !== null);
  const exportOpen = useDeskStore((s) => s.reportExport.open);
  const dialogOpen = mappingOpen || exportOpen;
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    registerPagePicker(() => inputRef.current?.click());
    const off = connectHostEvents();
    void loadSettings();
    void loadExperimentsAtStart();
    void loadOutbox();
    return () => {
      off();
      registerPagePicker(null);
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      if (useDeskStore.getState().importer.mapping || useDeskStore.getState().reportExport.open) return; // dialogs are modal
      const key = event.key.toLowerCase();
      if (key === 'e') {
        event.preventDefault();
        openReportExport();
        return;
      }
      if (key === 'o') {
        event.preventDefault();
        void openFiles();
        return;
      }
      const target = NAV.find((n) => n.key === key);
      if (target) {
        event.preventDefault();
        navigate(target.screen);
      }
    };
    let depth = 0;
    const onDragEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const onDragLeave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault(); // without it the browser opens the file instead of dropping it here
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      if (useDeskStore.getState().importer.mapping) return;
      const files = Array.from(event.dataTransfer?.files ?? []) as DroppedFile[];
      void importDroppedFiles(files);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('dragenter', onDragEnter);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('dragenter', onDragEnter);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  const onInputChange = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []) as DroppedFile[];
    event.target.value = ''; // the same file can be chosen again
    void importDroppedFiles(files);
  };

  const navScreen: Screen = screen === 'experiment' ? 'experiments' : screen;

  return (
    <>
      <div className="app" inert={dialogOpen}>
        <header className="topbar">
          <div className="brand"><span className="brand-mark" aria-hidden="true" />EXPERIMENT DESK</div>
          <nav aria-label="Main" className="main-nav">
            <ul>
              {NAV.map((item) => (
                <li key={item.screen}>
                  <button
                    type="button"
                    aria-current={navScreen === item.screen ? 'page' : undefined}
                    aria-keyshortcuts={`${isMac ? 'Meta' : 'Control'}+${item.key}`}
                    onClick={() => navigate(item.screen)}
                  >
                    {item.label}
                    <span className="key" aria-hidden="true">{MOD}{item.key}</span>
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <div className="host-cell">
            <span>{deskApi().host === 'electron' ? 'desktop' : 'local web'}</span>
            <span>offline · duckdb</span>
          </div>
        </header>
        <main>
          {screen === 'import' && <ImportScreen dragging={dragging} />}
          {screen === 'experiments' && <ExperimentsScreen />}
          {screen === 'experiment' && <ExperimentScreen />}
          {screen === 'settings' && <SettingsScreen />}
          {screen === 'changesets' && <ChangeSetsScreen />}
          <input
            ref={inputRef}
            type="file"
            multiple
            aria-label="Choose files to import"
            className="visually-hidden"
            tabIndex={-1}
            onChange={onInputChange}
          />
        </main>
      </div>
      {mappingOpen && <MappingDialog />}
      {exportOpen && <ExportDialog />}
    </>
  );
}
