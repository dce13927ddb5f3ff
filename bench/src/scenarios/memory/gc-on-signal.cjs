// Preloaded into a server ONLY by the memory experiment (NODE_OPTIONS=--require <this file>): on SIGUSR2 it runs
// a full V8 garbage collection, so the heap reading that follows counts live objects (the sessions), not the
// garbage the logins left behind. It changes nothing else in the app. (setFlagsFromString + a fresh context is
// the documented way to reach gc() without --expose-gc on the command line.)
'use strict'
const v8 = require('node:v8')
const vm = require('node:vm')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')
process.on('SIGUSR2', () => {
  gc()
  gc() // a second pass collects what the first one's finalizers released
})
