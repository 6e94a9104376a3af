import { describe, expect, it } from 'vitest';
import { DESK_EVENTS, DESK_METHODS } from '../../contract/desk-names.ts';
import { createWebDesk, NOT_AUTHORISED } from './web-desk.ts';
import { encodeWire } from './wire.ts';

interface Sent { url: string; init: RequestInit }

function fakeFetch(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const doFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const s = { url: String(input), init: init ?? {} };
    sent.push(s);
    return answer(s);
  }) as typeof fetch;
  return { sent, doFetch };
}

class FakeEventSource {
  static last: FakeEventSource | null = null;
  readonly handlers = new Map<string, Array<(e: { data: string }) => void>>();
  closed = false;
  constructor(readonly url: string) { FakeEventSource.last = this; }
  addEventListener(name: string, handler: (e: { data: string }) => void) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }
  close() { this.closed = true; }
  fire(name: string, data: string) { for (const h of this.handlers.get(name) ?? []) h({ data }); }
}

describe('the web host client', () => {
  it('POSTs a call as JSON to /api/call/<method> and decodes bytes in the answer', async () => {
    const { sent, doFetch } = fakeFetch(() => new Response(encodeWire({ ok: true, value: new Uint8Array([9, 8, 7]) })));
    const desk = createWebDesk({ fetch: doFetch });
    const result = await desk.previewRows({ table: 'events', limit: 5 });
    expect(sent[0]!.url).toBe('/api/call/previewRows');
    expect(sent[0]!.init.method).toBe('POST');
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({ table: 'events', limit: 5 });
    expect(result.ok && [...result.value]).toEqual([9, 8, 7]);
  });

  it('has a route for every contract method and listens for every contract event', async () => {
    const { sent, doFetch } = fakeFetch(() => new Response(encodeWire({ ok: true, value: null })));
    const desk = createWebDesk({ fetch: doFetch, EventSource: FakeEventSource as unknown as new (url: string) => EventSource });
    for (const method of DESK_METHODS) await (desk[method] as (request: unknown) => Promise<unknown>)({});
    expect(sent.map((s) => s.url)).toEqual(DESK_METHODS.map((method) => `/api/call/${method}`));
    const offs = DESK_EVENTS.map((event) => desk.on(event, () => {}));
    expect([...FakeEventSource.last!.handlers.keys()]).toEqual([...DESK_EVENTS]);
    offs.forEach((off) => off());
  });

  it('passes error results through', async () => {
    const { doFetch } = fakeFetch(() => new Response(JSON.stringify({ ok: false, error: { code: 'mapping_required', message: 'map it' } })));
    const result = await createWebDesk({ fetch: doFetch }).importFiles({ importId: 'i', files: [{ kind: 'upload', uploadId: 'u1', name: 'a.csv' }] });
    expect(result).toEqual({ ok: false, error: { code: 'mapping_required', message: 'map it' } });
  });

  it('turns 401, other HTTP errors and network failures into error values', async () => {
    const unauthorised = fakeFetch(() => new Response('no', { status: 401 }));
    expect(await createWebDesk({ fetch: unauthorised.doFetch }).listExperiments({})).toEqual({ ok: false, error: NOT_AUTHORISED });

    const broken = fakeFetch(() => new Response('<html>oops</html>', { status: 500, statusText: 'Server Error' }));
    const r500 = await createWebDesk({ fetch: broken.doFetch }).listExperiments({});
    expect(r500.ok === false && r500.error.code).toBe('internal');
    expect(r500.ok === false && r500.error.message).toContain('500');

    const down = fakeFetch(() => { throw new TypeError('Failed to fetch'); });
    const rDown = await createWebDesk({ fetch: down.doFetch }).getSettings({});
    expect(rDown.ok === false && rDown.error.code).toBe('internal');
    expect(rDown.ok === false && rDown.error.message).toContain('Failed to fetch');

    const garbage = fakeFetch(() => new Response('{"hello": 1}'));
    const rGarbage = await createWebDesk({ fetch: garbage.doFetch }).getSettings({});
    expect(rGarbage.ok === false && rGarbage.error.code).toBe('internal');
  });

  it('uploads a file with its encoded name and returns an upload FileRef', async () => {
    const { sent, doFetch } = fakeFetch(() => new Response(JSON.stringify({ ok: true, value: { uploadId: 'u1' } })));
    const file = Object.assign(new Blob(['a,b\n1,2\n']), { name: 'spring offer ü.csv' });
    const result = await createWebDesk({ fetch: doFetch }).toFileRef(file);
    expect(sent[0]!.url).toBe('/api/upload');
    expect((sent[0]!.init.headers as Record<string, string>)['X-File-Name']).toBe(encodeURIComponent('spring offer ü.csv'));
    expect(sent[0]!.init.body).toBe(file);
    expect(result).toEqual({ ok: true, value: { kind: 'upload', uploadId: 'u1', name: 'spring offer ü.csv' } });
  });

  it('has no native file dialog', async () => {
    expect(await createWebDesk({ fetch: fakeFetch(() => new Response('')).doFetch }).chooseFiles()).toEqual({ ok: true, value: null });
  });

  it('shares one EventSource among listeners and closes it with the last one', () => {
    const desk = createWebDesk({ EventSource: FakeEventSource as unknown as new (url: string) => EventSource });
    const seen: unknown[] = [];
    const off1 = desk.on('menu-command', (p) => seen.push(['menu', p.command]));
    const source = FakeEventSource.last!;
    const off2 = desk.on('import-progress', (p) => seen.push(['progress', p.rowsDone]));
    expect(FakeEventSource.last).toBe(source);
    expect(source.url).toBe('/api/events');
    source.fire('menu-command', JSON.stringify({ command: 'settings' }));
    source.fire('import-progress', JSON.stringify({ rowsDone: 12 }));
    source.fire('import-progress', 'not json');
    expect(seen).toEqual([['menu', 'settings'], ['progress', 12]]);
    off1();
    expect(source.closed).toBe(false);
    off2();
    expect(source.closed).toBe(true);
  });
});

describe('saveFile in a browser', () => {
  it('downloads the bytes under the suggested name and media type', async () => {
    const downloads: { name: string; bytes: Uint8Array; mediaType: string }[] = [];
    const desk = createWebDesk({ download: (name, bytes, mediaType) => downloads.push({ name, bytes, mediaType }) });
    const bytes = new Uint8Array([37, 80, 68, 70]);
    expect(await desk.saveFile('r.pdf', bytes, 'application/pdf')).toEqual({ ok: true, value: { saved: true, path: null } });
    expect(downloads).toEqual([{ name: 'r.pdf', bytes, mediaType: 'application/pdf' }]);
  });

  it('a download that cannot start is an internal error, not a throw', async () => {
    const desk = createWebDesk({ download: () => { throw new Error('no document'); } });
    expect(await desk.saveFile('r.html', new Uint8Array())).toEqual({ ok: false, error: { code: 'internal', message: 'The download could not start: no document' } });
  });
});
