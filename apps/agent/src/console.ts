// @obs/console for the demo. apps/agent does not list @obs/console among its dependencies yet
// (adding it changes the lockfile): until it does, the workspace's build is loaded by path, from
// src/ (tests) and dist/src/ (the demo) alike.
type ConsoleModule = typeof import('../../../packages/console/dist/index.js')

const root = new URL('./', import.meta.url).href.replace(/\/apps\/agent\/.*$/, '/')
const consoleModule = await import(new URL('packages/console/dist/index.js', root).href) as ConsoleModule

export const { default: obsConsole, LogStore, logTee } = consoleModule
