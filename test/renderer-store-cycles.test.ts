/**
 * The renderer's store has no runtime import cycle (renderer/README.md, "store/"): slices hold
 * data, actions call the host, and an action that coordinates several screens lives above the ones
 * it calls (`host-events.ts`), never beside them. A cycle makes module initialisation order matter
 * and one module's top-level code see another half-loaded. Type-only imports are left out: they
 * vanish at build time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared-datasets.ts';

/** Every .ts/.tsx file below `folder`, tests excluded. */
function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The relative modules `file` imports at runtime (not `import type`, not an import of types only). */
export function runtimeImports(file: string, text: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]/gm;
  for (const match of text.matchAll(statement)) {
    const [, , typeOnly, clause, target] = match;
    if (typeOnly) continue;
    const names = /^\{([^}]*)\}$/.exec(clause!.trim())?.[1];
    if (names !== undefined && names.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '))) continue;
    found.push(resolve(dirname(file), target!));
  }
  for (const match of text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm)) found.push(resolve(dirname(file), match[1]!));
  return found;
}

/** The import cycles among the files of `folder`, each as the list of files around it. */
function importCycles(folder: string): string[][] {
  const files = sources(folder);
  const graph = new Map(files.map((file) => [file, runtimeImports(file, readFileSync(file, 'utf8')).filter((target) => files.includes(target))]));
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(REPO_ROOT, f)));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

describe('renderer/store import graph', () => {
  it('has no runtime import cycle', () => {
    expect(importCycles(join(REPO_ROOT, 'renderer', 'store'))).toEqual([]);
  });

  it('the check sees runtime imports and skips type-only ones', () => {
    const file = join(REPO_ROOT, 'renderer', 'store', 'actions', 'probe.ts');
    const at = (name: string) => join(REPO_ROOT, 'renderer', 'store', 'actions', name);
    expect(runtimeImports(file, [
      `import { loadOutbox } from './outbox.ts';`,
      `import type { OutboxItem } from './types.ts';`,
      `import { type DeskError, type Result } from './errors.ts';`,
      `import { patch, type Slice } from './store.ts';`,
      `export { navigate } from './navigation.ts';`,
    ].join('\n'))).toEqual([at('outbox.ts'), at('store.ts'), at('navigation.ts')]);
  });
});
