import packageJson from '../package.json' with { type: 'json' };

/** The CLI's version, printed by `stowage --version`: package.json's, bundled in at build time. */
export const VERSION: string = packageJson.version;
