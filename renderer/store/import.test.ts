import { beforeEach, describe, expect, it } from 'vitest';
import type { DeskEvents, DroppedFile } from '../../contract/desk-api.ts';
import { connectHostEvents, openFiles, registerPagePicker } from './actions/host-events.ts';
import {
  CANCELLED_MESSAGE, cancelImport, closeMapping, importDroppedFiles, importFileRefs, loadSampleData, submitMapping,
} from './actions/import.ts';
import { navigate } from './actions/navigation.ts';
import { connectDesk } from './host-api.ts';
import { resetStore, useDeskStore } from './store.ts';
import { createFakeDesk, deferred, err, ok, summary, type FakeDesk } from './testing/fake-desk.ts';

const file = (name: string): DroppedFile => Object.assign(new Blob(['x']), { name });
const importer = () => useDeskStore.getState().importer;

let desk: FakeDesk;
beforeEach(() => {
  resetStore();
  desk = createFakeDesk();
  connectDesk(desk);
});

describe('import flow', () => {
  it('uploads every file, imports them with a fresh importId, and keeps the summaries', async () => {
    await importDroppedFiles([file('a.csv'), file('b.csv')]);
    expect(desk.calls.toFileRef).toEqual(['a.csv', 'b.csv']);
    const request = desk.calls.importFiles![0]!;
    expect(request.files).toEqual([
      { kind: 'upload', uploadId: 'up-a.csv', name: 'a.csv' },
      { kind: 'upload', uploadId: 'up-b.csv', name: 'b.csv' },
    ]);
    expect(request.importId).toBe(importer().importId);
    expect(request.mapping).toBeUndefined();
    expect(importer().status).toBe('done');
    expect(importer().summaries).toHaveLength(1);
    expect(desk.calls.listExperiments).toHaveLength(1); // the list refreshes
  });

  it('uses a new importId for every import', async () => {
    await importFileRefs([{ kind: 'handle', handle: 'h-a.csv', name: 'a.csv' }]);
    await importFileRefs([{ kind: 'handle', handle: 'h-a.csv', name: 'a.csv' }]);
    const [first, second] = desk.calls.importFiles!;
    expect(first!.importId).not.toBe(second!.importId);
  });

  it('loads the first page of rejects of files with rejected rows', async () => {
    desk.handle('importFiles', () => ok({ summaries: [summary({ fileId: 7, rowsRead: 10, rowsAccepted: 8, rowsRejected: 2 })] }));
    desk.handle('listRejects', (r) => ok({ fileId: r.fileId, total: 2, rows: [{ line: 3, reason: 'bad_timestamp', detail: 'x', raw: 'a,b' }] }));
    await importFileRefs([{ kind: 'handle', handle: 'h-a.csv', name: 'a.csv' }]);
    await Promise.resolve();
    expect(desk.calls.listRejects).toEqual([{ fileId: 7, offset: 0, limit: 200 }]);
    const rejects = importer().rejects[7];
    expect(rejects?.status === 'ready' && rejects.page.total).toBe(2);
  });

  it('opens the mapping dialog on mapping_required, then imports again with the mapping', async () => {
    desk.handle('importFiles', (r) => (r.mapping ? ok({ summaries: [summary({ fileId: 3 })] }) : err('mapping_required', 'Unknown header')));
    await importDroppedFiles([file('odd.csv')]);
    expect(desk.calls.previewFile).toEqual([{ file: { kind: 'upload', uploadId: 'up-odd.csv', name: 'odd.csv' } }]);
    expect(importer().status).toBe('mapping');
    expect(importer().mapping?.preview.guess.variant).toBe('arm');
    expect(importer().error).toBeNull();

    const firstId = desk.calls.importFiles![0]!.importId;
    await submitMapping({ unit: 'uid', variant: 'arm', metrics: ['bought'], covariates: { bought: 'pre_bought' } });
    const second = desk.calls.importFiles![1]!;
    expect(second.importId).not.toBe(firstId);
    expect(second.files).toEqual([{ kind: 'upload', uploadId: 'up-odd.csv', name: 'odd.csv' }]);
    expect(second.mapping).toEqual({ unit: 'uid', variant: 'arm', metrics: ['bought'], covariates: { bought: 'pre_bought' } });
    expect(importer().mapping).toBeNull();
    expect(importer().status).toBe('done');
  });

  it('closes the mapping dialog without importing on cancel', async () => {
    desk.handle('importFiles', () => err('mapping_required'));
    await importFileRefs([{ kind: 'handle', handle: 'h-odd.csv', name: 'odd.csv' }]);
    expect(importer().mapping).not.toBeNull();
    closeMapping();
    expect(importer().mapping).toBeNull();
    expect(importer().status).toBe('idle');
    expect(desk.calls.importFiles).toHaveLength(1);
  });

  it('cancels a running import and says nothing was changed', async () => {
    const answer = deferred<ReturnType<typeof err>>();
    desk.handle('importFiles', () => answer.promise);
    desk.handle('cancelImport', () => {
      answer.resolve(err('cancelled', 'Import cancelled'));
      return ok({ cancelled: true });
    });
    const running = importFileRefs([{ kind: 'handle', handle: 'h-big.csv', name: 'big.csv' }]);
    await Promise.resolve();
    expect(importer().status).toBe('running');
    const importId = importer().importId;
    await cancelImport();
    await running;
    expect(desk.calls.cancelImport).toEqual([{ importId }]);
    expect(importer().status).toBe('cancelled');
    expect(importer().error).toBeNull();
    expect(CANCELLED_MESSAGE).toBe('Import cancelled — nothing was changed.');
  });

  it('stops after the uploads when cancelled while uploading', async () => {
    const upload = deferred<void>();
    const original = desk.toFileRef;
    (desk as { toFileRef: typeof desk.toFileRef }).toFileRef = async (f) => {
      await upload.promise;
      return original(f);
    };
    const running = importDroppedFiles([file('a.csv')]);
    expect(importer().status).toBe('uploading');
    await cancelImport();
    upload.resolve();
    await running;
    expect(desk.calls.importFiles).toBeUndefined();
    expect(importer().status).toBe('cancelled');
  });

  it('shows other errors as they are', async () => {
    desk.handle('importFiles', () => err('bad_input', 'Unreadable gzip'));
    await importFileRefs([{ kind: 'handle', handle: 'h-x.gz', name: 'x.gz' }]);
    expect(importer().status).toBe('error');
    expect(importer().error).toEqual({ code: 'bad_input', message: 'Unreadable gzip' });
  });

  it('keeps progress events of the current import only', async () => {
    const off = connectHostEvents();
    const answer = deferred<ReturnType<typeof ok<{ summaries: [] }>>>();
    desk.handle('importFiles', () => answer.promise);
    const running = importFileRefs([{ kind: 'handle', handle: 'h-a.csv', name: 'a.csv' }]);
    const progress = (importId: string): DeskEvents['import-progress'] => ({
      importId, fileIndex: 0, fileCount: 1, path: '/a.csv', phase: 'reading', bytesDone: 5, bytesTotal: 10, rowsDone: 100, rowsPerSecond: 50,
    });
    desk.emit('import-progress', progress('someone-else'));
    expect(importer().progress).toBeNull();
    desk.emit('import-progress', progress(importer().importId!));
    expect(importer().progress?.rowsDone).toBe(100);
    answer.resolve(ok({ summaries: [] }));
    await running;
    expect(importer().progress).toBeNull();
    off();
    expect(desk.listenerCount()).toBe(0);
  });

  it('imports files opened in the host and obeys menu commands', async () => {
    connectHostEvents();
    navigate('settings');
    desk.emit('files-opened', { files: [{ kind: 'handle', handle: 'h-events.csv', name: 'events.csv' }] });
    await new Promise((r) => setTimeout(r, 0));
    expect(desk.calls.importFiles?.[0]?.files).toEqual([{ kind: 'handle', handle: 'h-events.csv', name: 'events.csv' }]);
    expect(useDeskStore.getState().navigation.screen).toBe('import');
    desk.emit('menu-command', { command: 'experiments' });
    expect(useDeskStore.getState().navigation.screen).toBe('experiments');
  });

  it('loads the sample data and then shows the experiments', async () => {
    await loadSampleData();
    expect(desk.calls.loadSampleData).toHaveLength(1);
    expect(desk.calls.loadSampleData![0]!.importId).toBeTruthy();
    expect(useDeskStore.getState().navigation.screen).toBe('experiments');
    expect(importer().sample).toBe(true);
  });
});

describe('opening files', () => {
  it('uses the page’s file input in a browser', async () => {
    let picked = 0;
    registerPagePicker(() => picked++);
    await openFiles();
    expect(picked).toBe(1);
    registerPagePicker(null);
  });

  it('uses the host’s dialog in Electron, once at a time, and imports what was chosen', async () => {
    const electron = Object.assign(createFakeDesk(), { host: 'electron' as const });
    let release: () => void = () => {};
    (electron as { chooseFiles: typeof electron.chooseFiles }).chooseFiles = () =>
      new Promise((resolve) => { release = () => resolve(ok([{ kind: 'handle', handle: 'h-e.csv', name: 'e.csv' }])); });
    connectDesk(electron);
    const first = openFiles();
    const second = openFiles(); // e.g. the menu accelerator and the page shortcut together
    release();
    await Promise.all([first, second]);
    expect(electron.calls.importFiles).toHaveLength(1);
    expect(electron.calls.importFiles![0]!.files).toEqual([{ kind: 'handle', handle: 'h-e.csv', name: 'e.csv' }]);
  });
});

describe('store reset', () => {
  it('starts every test from the initial state', () => {
    expect(importer().status).toBe('idle');
    expect(importer().summaries).toEqual([]);
    expect(useDeskStore.getState().navigation).toEqual({ screen: 'import', userNavigated: false, moveFocus: false });
  });
});
