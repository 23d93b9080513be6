import { test } from 'tap'
import { createRouteCache, isExcludedRoute, resolveExclude } from '../src/index.js'
import { InvalidOption } from './helpers.js'

test('a RegExp with the g flag excludes every route it matches, not every other one', async (t) => {
  const exclude = resolveExclude('exclude', [/^\/skip/g, /^\/sticky/y], InvalidOption)
  for (const url of ['/skip/a', '/skip/b', '/skip/c', '/sticky/a', '/sticky/b']) t.ok(isExcludedRoute(url, false, exclude), url)
  t.notOk(isExcludedRoute('/kept', false, exclude))
  t.ok(isExcludedRoute('/kept', true, exclude), 'a route that opts out is out')
})

test('bad exclude options are coded errors', async (t) => {
  t.throws(() => resolveExclude('exclude', '/health', InvalidOption), { code: 'TEST_INVALID_OPTION' })
  t.throws(() => resolveExclude('exclude', ['/ok', 42], InvalidOption), { code: 'TEST_INVALID_OPTION' })
  t.ok(Object.isFrozen(resolveExclude('exclude', ['/ok'], InvalidOption)))
})

test('state is made once per route and method, and never for a route left out', async (t) => {
  const made: string[] = []
  const cache = createRouteCache({
    name: 'test',
    optOut: 'measured',
    exclude: resolveExclude('exclude', [/^\/skip/g], InvalidOption),
    create: (method, url) => { made.push(`${method} ${String(url)}`); return { method, url } }
  })
  const one = { url: '/users/:id', method: 'GET' }
  t.equal(cache.get(one, 'GET'), cache.get(one, 'GET'))
  const several = { url: '/things', method: ['GET', 'POST'] }
  t.not(cache.get(several, 'GET'), cache.get(several, 'POST'))
  t.equal(cache.get(several, 'POST'), cache.get(several, 'POST'))
  const unmatched = {}
  t.same(cache.get(unmatched, 'GET'), { method: 'GET', url: undefined })
  t.equal(cache.get({ url: '/skip/a', method: 'GET' }, 'GET'), null)
  t.equal(cache.get({ url: '/skip/b', method: 'GET' }, 'GET'), null)
  t.equal(cache.get({ url: '/mine', method: 'GET', measured: false }, 'GET'), null)
  t.same(made, ['GET /users/:id', 'GET /things', 'POST /things', 'GET undefined'])
})

test('requests that matched no route can be given a template of their own', async (t) => {
  const cache = createRouteCache({ name: 'test', optOut: 'measured', exclude: ['__none__'], unmatched: '__none__', create: (method, url) => ({ method, url }) })
  t.equal(cache.get({}, 'GET'), null)
  const kept = createRouteCache({ name: 'test', optOut: 'measured', exclude: [], unmatched: '__none__', create: (method, url) => ({ method, url }) })
  t.same(kept.get({}, 'GET'), { method: 'GET', url: '__none__' })
})

test('prepare gives a one-method route its state at declaration; a HEAD route copied from it gets its own', async (t) => {
  const cache = createRouteCache({ name: 'test', optOut: 'measured', exclude: [], create: (method, url) => ({ method, url }) })
  const route = { url: '/a', method: 'GET', config: { own: 1 } }
  cache.prepare(route)
  t.equal((route.config as { own: number }).own, 1, 'the user config is kept')
  const config = { ...route.config, url: '/a', method: 'GET' }
  t.same(cache.get(config, 'GET'), { method: 'GET', url: '/a' })
  const head = { ...route.config, url: '/a', method: 'HEAD' }
  t.same(cache.get(head, 'HEAD'), { method: 'HEAD', url: '/a' })
  const several = { url: '/b', method: ['GET', 'PUT'], config: undefined }
  cache.prepare(several)
  t.equal(several.config, undefined, 'routes with several methods resolve on first use')
})
