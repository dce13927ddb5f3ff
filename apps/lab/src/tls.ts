import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * HTTPS mode (`pnpm start --https`): a self-signed certificate for localhost, made once with the system's
 * `openssl` (Debian/Ubuntu: `apt-get install -y openssl`) into `dir` (data/tls/ by default) and reused after.
 * Self-signed means the browser warns once; the point is that the cookies get their real-deployment names and
 * flags (`__Host-sid`, `__Secure-rt`, Secure) and HSTS is sent over TLS, where a browser honours it.
 * The key file is written 0600 (openssl's default for -keyout on a fresh file is the umask; we set it).
 */
export interface TlsFiles {
  key: Buffer
  cert: Buffer
  keyPath: string
  certPath: string
}

export function ensureSelfSignedCert(dir: string): TlsFiles {
  const keyPath = join(dir, 'localhost-key.pem')
  const certPath = join(dir, 'localhost-cert.pem')
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-sha256',
          '-days',
          '30',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
          '-keyout',
          keyPath,
          '-out',
          certPath,
        ],
        { stdio: 'ignore' },
      )
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      throw new Error(
        missing
          ? 'HTTPS mode needs openssl: apt-get install -y openssl'
          : `openssl could not make a certificate in ${dir}`,
      )
    }
    execFileSync('chmod', ['600', keyPath])
  }
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), keyPath, certPath }
}
