/**
 * The claims the lab exists to test (C1–C13 from the project brief) and the two extra measurements of issue 14, in
 * the order the report's summary lists them. A row is matched to verdicts by claim id ("C3", "C3 (JWT)", …) or, for
 * the measurements without a claim number, by the experiment that makes them.
 */
export interface ClaimEntry {
  id: string
  /** The folklore as people say it. */
  text: string
  /** Experiments whose verdicts answer it even when their `claim` field uses another label (storm, rotation). */
  experiments?: readonly string[]
}

export const CLAIM_CATALOGUE: readonly ClaimEntry[] = [
  { id: 'C1', text: 'Stateless is faster because it skips the DB lookup.' },
  { id: 'C2', text: 'A server restart logs every session user out; JWT users are not affected.' },
  {
    id: 'C3',
    text: 'Behind a load balancer sessions need stickiness or a central store; JWTs need neither.',
  },
  { id: 'C4', text: 'A central session store adds overhead.' },
  { id: 'C5', text: 'A JWT cannot be revoked before it expires.' },
  { id: 'C6', text: 'A deny-list or a token-version check makes JWT revocation immediate.' },
  { id: 'C7', text: 'Refresh-token rotation makes a stolen refresh token usable once.' },
  { id: 'C8', text: 'A short access-token TTL limits theft damage but costs refreshes.' },
  { id: 'C9', text: 'Large token payloads hurt performance.' },
  { id: 'C10', text: 'HS256 is cheaper to verify than asymmetric algorithms.' },
  { id: 'C11', text: 'Algorithm confusion and missing verification are real attacks.' },
  { id: 'C12', text: 'Checking tokens in a DB cancels statelessness.' },
  { id: 'C13', text: 'Server-side sessions cost memory per user; JWTs cost none.' },
  {
    id: 'storm',
    text: 'Refresh storm: tokens issued at once all come back at once.',
    experiments: ['storm'],
  },
  {
    id: 'rotation',
    text: 'Signing-key rotation under load breaks no request.',
    experiments: ['rotation'],
  },
]

/** True when a verdict's `claim` label answers catalogue entry `id` ("C3" matches "C3 (JWT)", not "C13"). */
export function labelAnswers(label: string, id: string): boolean {
  return (
    label === id || label.startsWith(`${id} `) || label.startsWith(`${id}(`) || label.startsWith(`${id}:`)
  )
}
