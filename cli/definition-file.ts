/**
 * `--definition FILE.json` of `analyze` and `report`: experiment definitions for one run, in
 * place of the stored ones (docs/experiment-definition.md, "For one run"). Validated by the
 * analysis; read here.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from './usage-error.ts';

/**
 * The definitions in `path`: one definition object, an array of them, or what `define --format
 * json` prints (an object whose `definition` field is the definition).
 * @throws UsageError when the file cannot be read or is not JSON of those shapes.
 */
export async function readDefinitionFile(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--definition ${path}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--definition ${path}: not JSON (${(error as Error).message})`);
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.map((item) => {
    if (!item || typeof item !== 'object') throw new UsageError(`--definition ${path}: expected a definition object or an array of them`);
    const wrapped = (item as { definition?: unknown }).definition;
    return wrapped && typeof wrapped === 'object' ? wrapped : item;
  });
}
