/** One favicon for the lab and both app pages, served at `/favicon.svg` and `/favicon.ico`: a key over two panes (SVG, served from our own origin for the CSP). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d2330"/><rect x="4" y="6" width="11" height="20" rx="2" fill="#3b6fd8"/><rect x="17" y="6" width="11" height="20" rx="2" fill="#b0527a"/><circle cx="16" cy="14" r="4" fill="none" stroke="#fff" stroke-width="2"/><path d="M16 18v7M16 22h3" stroke="#fff" stroke-width="2"/></svg>
`
