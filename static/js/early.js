// Runs before the page paints (not deferred): a page opened with a filter or highlight in
// its address (?agency=commerce, ?hl=…) keeps its main part hidden until site.js has
// applied it, so the list does not paint whole and then collapse. site.css shows it
// anyway after a moment, should site.js not run.
"use strict";
if (window.location.search.length > 1) document.documentElement.classList.add("applying");
