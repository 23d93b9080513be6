import { test } from 'tap'
import { splitHost } from '../src/plugin/request-attributes.js'
import { describeRoute } from '../src/plugin/route-state.js'
import { isSecretParam, redactUrl } from '../src/redact/redact-url.js'

test('Host headers split into server.address and server.port', async (t) => {
  t.same(splitHost('api.example.com:8443'), { address: 'api.example.com', port: 8443 })
  t.same(splitHost('api.example.com'), { address: 'api.example.com', port: undefined })
  t.same(splitHost('[2001:db8::1]:3000'), { address: '2001:db8::1', port: 3000 })
  t.same(splitHost('[::1]'), { address: '::1', port: undefined })
  t.same(splitHost('[::1'), { address: '::1', port: undefined })
  t.same(splitHost('host:99999'), { address: 'host', port: undefined }, 'an out-of-range port is dropped')
  t.same(splitHost('host:abc'), { address: 'host', port: undefined })
  t.same(splitHost(''), { address: '', port: undefined })
})

test('routes are named by the semantic conventions', async (t) => {
  t.same(describeRoute('GET', '/users/:id'), { name: 'GET /users/:id', method: 'GET', originalMethod: undefined, route: '/users/:id' })
  t.same(describeRoute('POST', undefined), { name: 'POST', method: 'POST', originalMethod: undefined, route: undefined })
  t.same(describeRoute('MKCOL', '/dav'), { name: 'HTTP /dav', method: '_OTHER', originalMethod: 'MKCOL', route: '/dav' })
})

test('secret query parameters are redacted in URLs, the rest is kept as it was', async (t) => {
  const R = '[Redacted]'
  t.equal(redactUrl('/x', R), '/x')
  t.equal(redactUrl('/x?', R), '/x?')
  t.equal(redactUrl('/x?page=2&q=cats', R), '/x?page=2&q=cats')
  t.equal(redactUrl('/x?api_key=1&page=2&key=3&X-Amz-Signature=4&sig=5&access_token=6', R),
    `/x?api_key=${R}&page=2&key=${R}&X-Amz-Signature=${R}&sig=${R}&access_token=${R}`)
  t.equal(redactUrl('https://h/p?password=hunter2#frag', R), `https://h/p?password=${R}#frag`)
  t.equal(redactUrl('/x?flag&token', R), '/x?flag&token', 'names without a value have nothing to hide')
  t.equal(redactUrl('/x?%zz=1&api%5Fkey=2', R), `/x?%zz=1&api%5Fkey=${R}`, 'encoded names are decoded first; bad encodings survive')
  t.ok(['sessionid', 'client_secret', 'X-Goog-Credential', 'Authorization', 'AWSAccessKeyId', 'X-Amz-Security-Token', 'Signature',
    'API_KEY', 'Token', 'x-api-key', 'openai_api_key', 'apikey', 'accesstoken', 'pwd', 'privateKey'].every(isSecretParam), 'the key rule and more')
  t.notOk(['monkey', 'keyword', 'page', 'q'].some(isSecretParam))
})
