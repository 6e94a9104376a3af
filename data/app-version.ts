/** The app's version, from package.json (recorded in reports and ChangeSet proofs). */
import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const APP_VERSION: string = packageJson.version;
