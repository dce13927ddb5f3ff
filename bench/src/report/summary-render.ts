/** The summary (summary.ts) as the first screen of report.md and report.html. */
import { escapeHtml } from './html-escape.js'
import { slug } from './slug.js'
import type { Summary } from './summary.js'

/** Where the decision guide lives, relative to a report in reports/<run-id>/ or docs/sample-report/. */
export const CHOOSING_LINK = '../../docs/choosing.md'

const INTRO = (s: Summary) =>
  s.smoke
    ? 'This is a **smoke run** (`--quick`): too short to decide anything, so it shows figures but no verdicts. Run `pnpm bench` (a full run) on a quiet machine to decide.'
    : 'Each row: the claim, this run’s verdict, the number that decides it (median, with min–max over rounds or events in brackets), and the section with the method and every figure.'

/** Above the lists: the question the report answers first (review R2: it used to come after 15 claim rows). */
const ANSWER_LEAD =
  'Which one? What this run says, each line with the number behind it and the claim it rests on:'

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function summaryMarkdown(s: Summary): string {
  const out: string[] = []
  if (s.banner) out.push(`> **⚠ ${s.banner}**`, '')
  out.push('## Summary', '')
  if (!s.smoke) out.push(`_${ANSWER_LEAD}_`, '')
  out.push(...chooseMarkdown(s, true))
  out.push('### Every claim', '', INTRO(s), '')
  out.push('| claim | verdict | deciding number | section |', '|---|---|---|---|')
  for (const r of s.rows) {
    const link = r.section ? `[${r.sectionId}](#${slug(r.section)})` : '–'
    out.push(
      `| **${r.id}** ${mdCell(r.claim)} | ${mdCell(r.verdict)} | ${mdCell(r.figure ?? '–')} | ${link} |`,
    )
  }
  out.push('')
  return out.join('\n')
}

/** The choose lists in Markdown; `withLink` adds the pointer to docs/choosing.md (not wanted inside choosing.md). */
export function chooseMarkdown(s: Summary, withLink: boolean): string[] {
  const c = s.choose
  const out: string[] = []
  const list = (head: string, items: string[]) => {
    if (items.length === 0) return
    out.push(`**${head}**`, '', ...items.map((i) => `- ${i}`), '')
  }
  if (c.sessions.length + c.jwt.length + c.eitherWay.length === 0)
    out.push(
      '**Choosing:** this run decided none of the claims the choice rests on, so it draws no conclusion.',
      '',
    )
  list('Choose sessions when…', c.sessions)
  list('Choose JWTs when…', c.jwt)
  list('Either way…', c.eitherWay)
  if (c.undecided.length > 0) out.push(`_Not decided by this run — ${c.undecided.join('; ')}._`, '')
  if (withLink)
    out.push(
      `The reasoning, with the figures of the committed sample run: [docs/choosing.md](${CHOOSING_LINK}).`,
      '',
    )
  return out
}

export function summaryHtml(s: Summary, inline: (md: string) => string): string {
  const out: string[] = []
  if (s.banner) out.push(`<div class="banner" role="alert"><strong>⚠ ${escapeHtml(s.banner)}</strong></div>`)
  out.push('<section id="summary"><h2>Summary</h2>')
  if (!s.smoke) out.push(`<p class="lead"><em>${escapeHtml(ANSWER_LEAD)}</em></p>`)
  const c = s.choose
  const list = (head: string, items: string[]) => {
    if (items.length > 0)
      out.push(`<h3>${head}</h3><ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`)
  }
  if (c.sessions.length + c.jwt.length + c.eitherWay.length === 0)
    out.push(
      '<p><strong>Choosing:</strong> this run decided none of the claims the choice rests on, so it draws no conclusion.</p>',
    )
  list('Choose sessions when…', c.sessions)
  list('Choose JWTs when…', c.jwt)
  list('Either way…', c.eitherWay)
  if (c.undecided.length > 0)
    out.push(`<p class="note">Not decided by this run — ${escapeHtml(c.undecided.join('; '))}.</p>`)
  out.push(
    `<p>The reasoning, with the figures of the committed sample run: <a href="${CHOOSING_LINK}">docs/choosing.md</a>.</p>`,
  )
  out.push('<h3 id="every-claim">Every claim</h3>', `<p>${inline(INTRO(s))}</p>`)
  out.push(
    '<div class="scroll"><table class="summary"><tr><th>claim</th><th>verdict</th><th>deciding number</th><th>section</th></tr>',
  )
  for (const r of s.rows) {
    const link = r.section
      ? `<a href="#${slug(r.section)}" title="${escapeHtml(r.section)}">${escapeHtml(r.sectionId ?? '')}</a>`
      : '–'
    out.push(
      `<tr class="${r.state}"><td><strong>${escapeHtml(r.id)}</strong> ${escapeHtml(r.claim)}</td><td class="verdict">${escapeHtml(r.verdict)}</td><td>${escapeHtml(r.figure ?? '–')}</td><td>${link}</td></tr>`,
    )
  }
  out.push('</table></div></section>')
  return out.join('\n')
}
