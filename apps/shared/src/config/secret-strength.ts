/**
 * How strong is a human-supplied `JWT_SECRET`? (issue 10, F6)
 *
 * Length is not strength: `aaaa…` (32 bytes) passed the old length check, was cracked offline from one token, and
 * let an admin token be forged. An HS256 key must be random (RFC 8725 §3.5: never a password), so the start-up check
 * estimates the entropy and refuses anything under `MIN_SECRET_BITS`.
 *
 * The estimate is the usual charset estimate — each character is worth log2 of the alphabet it was drawn from
 * (16 for hex, 64 for base64/base64url, else the union of the character classes present) — with the patterns a
 * person produces charged at what they really cost an attacker, zxcvbn-style:
 * - runs of one character (`aaaa`) and sequences (`abcd`, `4321`): one character + the length;
 * - a repeat of an earlier block (`Xy7!Xy7!`): a position + a length;
 * - words (a case-consistent run of ≥ 3 letters): a pick from a 16k-word dictionary, or from the short list below of
 *   words people put in secrets; separators between words: a couple of bits each.
 * The result is capped by the Shannon entropy of the characters × the length (+25 % for small samples). Generated secrets
 * (`openssl rand -base64 32`: ~190–250 bits by this estimate) pass with a wide margin; "my-super-secret-jwt-key…",
 * repeated or sequential characters, and short hex strings do not.
 * Why not zxcvbn-ts: it is built to score human passwords (its dictionaries are ~1.5 MB of password lists loaded at
 * every start) and adds a dependency to the start-up path for a question this narrower one answers: is this string
 * machine-random, ≥ 128 bits? Both are estimates; this one is ~100 lines, deterministic and tested on both sides.
 */
export const MIN_SECRET_BITS = 128

const COMMON_WORDS = new Set(
  `secret secrets password passwd pass key keys token tokens jwt jws hmac sign signing signature super my your our
  the this that for not and with very long strong random string change changeme replace default admin root user test
  testing example demo dev development prod production staging local localhost auth authentication lab app api
  server service session access refresh private public hello world welcome letmein qwerty asdf zxcv abc xyz please
  dont use here only new old value values config env hs256 sha256 base64 node express hono company project team
  login logout token123 secure security safe insecure temp tmp dummy fake foo bar baz qux lorem ipsum dolor
  spring summer autumn winter monday friday january december love god master dragon monkey shadow sunshine
  iloveyou princess football baseball`.split(/\s+/),
)
const DICTIONARY_BITS = Math.log2(16_384) + 1 // a word from a common-English list, plus its case pattern
const COMMON_WORD_BITS = Math.log2(COMMON_WORDS.size) + 1
const SEPARATOR_BITS = 2
const SEPARATORS = new Set([...'-_. :/+,'])

export interface SecretEstimate {
  bits: number
  /** The patterns that were charged below their length (for the error message). */
  patterns: string[]
}

export function estimateSecretBits(secret: string): SecretEstimate {
  const chars = Array.from(secret).slice(0, 512)
  const pool = alphabetSize(chars)
  const charBits = Math.log2(pool)
  const patterns = new Set<string>()
  let bits = 0
  let prevWord = false
  for (let i = 0; i < chars.length; ) {
    const options: { len: number; bits: number; name: string }[] = []
    const run = runLength(chars, i)
    if (run >= 3) options.push({ len: run, bits: charBits + Math.log2(run), name: 'repeated characters' })
    const seq = sequenceLength(chars, i)
    if (seq >= 3) options.push({ len: seq, bits: charBits + Math.log2(seq) + 1, name: 'a sequence' })
    const rep = repeatedBlock(chars, i)
    if (rep >= 4) options.push({ len: rep, bits: Math.log2(i) + Math.log2(rep), name: 'a repeated block' })
    const word = pool === 16 ? null : wordAt(chars, i) // hex digits a–f are not words
    if (word) {
      const common = COMMON_WORDS.has(word.toLowerCase())
      options.push({
        len: word.length,
        bits: common ? COMMON_WORD_BITS : DICTIONARY_BITS,
        name: common ? `the word "${word.toLowerCase()}"` : 'a dictionary-like word',
      })
    }
    const ch = chars[i] ?? ''
    if (SEPARATORS.has(ch) && (prevWord || wordAt(chars, i + 1))) {
      options.push({ len: 1, bits: SEPARATOR_BITS, name: 'separators between words' })
    }
    // Take the pattern that explains the most characters per bit, if it is cheaper than random characters.
    let best = { len: 1, bits: charBits, name: '' }
    for (const o of options) if (o.bits < o.len * charBits && o.bits / o.len < best.bits / best.len) best = o
    bits += best.bits
    if (best.name) patterns.add(best.name)
    prevWord = best.name.includes('word')
    i += best.len
  }
  // The Shannon cap catches low diversity no pattern names ("abbaabab…"). A short random string shows fewer
  // distinct characters than its alphabet (32 hex digits: ~3.5 of 4 bits each), hence the 25 % allowance.
  const capped = Math.min(bits, 1.25 * shannonBits(chars))
  return { bits: Math.floor(capped), patterns: [...patterns] }
}

function alphabetSize(chars: string[]): number {
  const s = chars.join('')
  if (/^[0-9a-f]+$/.test(s) || /^[0-9A-F]+$/.test(s)) return 16
  if (/^[A-Za-z0-9+/_-]+=*$/.test(s)) return 64
  let n = 0
  if (/[a-z]/.test(s)) n += 26
  if (/[A-Z]/.test(s)) n += 26
  if (/[0-9]/.test(s)) n += 10
  if (/[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(s)) n += 33
  if (/[^\x20-\x7e]/.test(s)) n += 100
  return Math.max(n, 2)
}

function runLength(chars: string[], i: number): number {
  let j = i + 1
  while (j < chars.length && chars[j] === chars[i]) j++
  return j - i
}

function sequenceLength(chars: string[], i: number): number {
  const code = (k: number) => chars[k]?.codePointAt(0) ?? Number.NaN
  const step = code(i + 1) - code(i)
  if (Math.abs(step) !== 1) return 1
  let j = i + 1
  while (j < chars.length && code(j) - code(j - 1) === step) j++
  return j - i
}

/** Length of the longest block (≥ 4) starting at i that also starts earlier (overlapping repeats count). */
function repeatedBlock(chars: string[], i: number): number {
  if (i < 1) return 0
  const s = chars.join('')
  const at = chars.slice(0, i).join('').length // code-unit offset of position i
  let best = 0
  for (let len = 4; at + len <= s.length; len++) {
    if (s.indexOf(s.slice(at, at + len)) >= at) break
    best = len
  }
  return best
}

/** A case-consistent run of ≥ 3 ASCII letters starting exactly at a word boundary: "word", "WORD" or "Word". */
function wordAt(chars: string[], i: number): string | null {
  const isLetter = (c: string | undefined) => c !== undefined && /^[A-Za-z]$/.test(c)
  if (!isLetter(chars[i]) || isLetter(chars[i - 1])) return null
  let j = i
  while (isLetter(chars[j])) j++
  const w = chars.slice(i, j).join('')
  if (w.length < 3) return null
  return /^[a-z]+$|^[A-Z]+$|^[A-Z][a-z]+$/.test(w) ? w : null
}

function shannonBits(chars: string[]): number {
  const counts = new Map<string, number>()
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1)
  let h = 0
  for (const n of counts.values()) {
    const p = n / chars.length
    h -= p * Math.log2(p)
  }
  return h * chars.length
}
