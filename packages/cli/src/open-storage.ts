// `openStorage` alone, imported lazily by store.ts. The build takes it from stowage's
// open-storage module (see tsup.config.ts), so the drivers' classes `stowage` re-exports, and the
// drivers with them, are not loaded: openStorage imports the one its URL needs.
export { openStorage } from 'stowage';
