import { readFileSync } from 'node:fs';

/** The version in package.json: `--version`, and the SARIF driver's version. */
export const PACKAGE_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
