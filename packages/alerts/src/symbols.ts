// Internals carried on public objects, kept off their enumerable keys (and out of JSON).

/** On a notification: reads its alert as it is now, while it is active. */
export const kCurrent = Symbol('obs-alerts.current')
