// The tests run real Prometheus, promtool and Alertmanager binaries (Debian's `prometheus` and
// `prometheus-alertmanager`) and a real headless Chromium (Debian's `chromium`). When one is missing, install them if we may (root with apt-get),
// else stop with the command to run. Tests never skip for a missing binary.
import { execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

// The packages need Node 22.15+; `pnpm test` runs on the Node 24 that the root devDependency brings.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(`Node ${process.version} is out of support here (22.15+, 24, 26). Run the scripts through pnpm, which uses the repository's own Node 24 from node_modules/.bin.`)
  process.exit(1)
}

// [binary, variable that may name it instead, Debian package, other names of the binary]
const needed = [
  ['prometheus', 'PROMETHEUS', 'prometheus'],
  ['promtool', 'PROMTOOL', 'prometheus'],
  ['prometheus-alertmanager', 'ALERTMANAGER', 'prometheus-alertmanager', 'alertmanager'],
  ['chromium', 'CHROMIUM', 'chromium']
]

const onPath = (names) => (process.env.PATH ?? '').split(delimiter).some((dir) => names.some((name) => {
  try {
    accessSync(join(dir, name), constants.X_OK)
    return true
  } catch {
    return false
  }
}))

const missing = needed.filter(([name, envVar, , ...aliases]) => !process.env[envVar] && !onPath([name, ...aliases]))
if (missing.length > 0) {
  const packages = [...new Set(missing.map(([, , debianPackage]) => debianPackage))]
  const canInstall = process.getuid?.() === 0 && onPath(['apt-get'])
  if (!canInstall) {
    console.error(`Missing ${missing.map(([name]) => name).join(', ')}. Install them with:\n  sudo apt-get install -y ${packages.join(' ')}`)
    process.exit(1)
  }
  console.log(`Installing ${packages.join(' ')} with apt-get (the tests run them for real)…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env })
}
