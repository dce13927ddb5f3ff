// The one freePort (apps/shared/src/net/free-port.ts): never the same port twice within this process.
export { freePort } from '@auth-lab/shared'
