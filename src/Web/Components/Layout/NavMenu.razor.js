// On a phone the menu is a strip that scrolls sideways. Chromium scrolls a newly focused link into view only when it
// is wholly out of sight, so a half-hidden one would keep a clipped focus ring; and an enhanced navigation keeps the
// strip where it was, which may hide the entry of the page just opened. Both are brought fully into the strip, clear
// of its scroll padding (the faded edge), by scrolling the strip alone, never the page.
const menu = "header nav[aria-label=Main] ul";

function reveal(link) {
    const strip = link?.closest(menu);
    if (!strip || strip.scrollWidth <= strip.clientWidth) {
        return;
    }
    const style = getComputedStyle(strip);
    const start = parseFloat(style.scrollPaddingInlineStart) || 0;
    const end = parseFloat(style.scrollPaddingInlineEnd) || 0;
    const a = link.getBoundingClientRect();
    const b = strip.getBoundingClientRect();
    if (a.left < b.left + start) {
        strip.scrollLeft -= b.left + start - a.left;
    } else if (a.right > b.right - end) {
        strip.scrollLeft += a.right - (b.right - end);
    }
}

document.addEventListener("focusin", e => {
    if (e.target instanceof HTMLAnchorElement) {
        reveal(e.target);
    }
});

const revealCurrent = () => reveal(document.querySelector(`${menu} a[aria-current=page]`));
window.Blazor?.addEventListener("enhancedload", revealCurrent);
revealCurrent();
