/** GitHub's heading anchor rule (lowercase, spaces → '-', punctuation dropped): the same ids in report.md and .html. */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-')
}
