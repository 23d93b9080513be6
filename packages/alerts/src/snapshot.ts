// bench/alerts.mjs times the registry read on its own through dist/snapshot.js: the module moved
// to series/, this name stays for it.
export { RegistrySnapshot } from './series/registry-snapshot.js'
