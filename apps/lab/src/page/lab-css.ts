/**
 * The lab page's additions to the shared `/demo.css` (apps/shared owns that one; the apps' pages need none of this).
 * Wide tables scroll inside their own box, and on a phone an experiment's steps stack instead of squeezing four
 * columns, so the document never scrolls sideways (session-10 review: at 420 px the tables pushed it to 621 px).
 * A boxed table keeps a readable width (34rem) rather than squeezing every column to its longest word.
 */
export const LAB_CSS = `.scroll{max-width:100%;overflow-x:auto}.scroll>table:not(.kv){min-width:34rem}
.store .scroll{margin-bottom:.4rem}.store .scroll table{margin-bottom:0}
.waiting{margin:.4rem 0 .2rem}.countdown{font-weight:600;color:#8a5a00}
@media (max-width:640px){
.grid2{grid-template-columns:1fr}
.exp-out .card thead{display:none}
.exp-out .card table,.exp-out .card tbody,.exp-out .card tr,.exp-out .card td{display:block;width:auto;min-width:0}
.exp-out .card tr{border-bottom:1px solid #e5e8ee;padding:.3rem 0}
.exp-out .card td{border:0;padding:.05rem .2rem}
.exp-out .card td:nth-child(1){display:inline;color:#4a5366;font-weight:600}
.exp-out .card td:nth-child(2){display:inline;font-weight:600}
.exp-out .card td:nth-child(2)::before{content:"· "}
.exp-out .card td:nth-child(3)::before{content:"→ "}
}
`
