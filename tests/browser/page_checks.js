// What tests/browser/test_every_page.py asks of a page, measured in the page itself:
// sideways scroll, the text a reader sees (and the accessible names), and every visible
// text's contrast against its effective background (WCAG 2.1 AA: 4.5:1, 3:1 for large text).
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
    return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
  };
  const over = (top, bottom) => {  // top (with alpha) composited over an opaque bottom
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  // The background behind an element: its own and its ancestors' colours, composited over the
  // page's white; null where an image or gradient lies behind (not measurable here).
  const backgrounds = new Map();
  const background = (el) => {  // cached per element: a page has thousands of text nodes
    if (!el || el.nodeType !== 1) return [255, 255, 255, 1];
    if (backgrounds.has(el)) return backgrounds.get(el);
    const style = getComputedStyle(el);
    let result;
    if (style.backgroundImage && style.backgroundImage !== "none") {
      result = null;
    } else {
      const color = parse(style.backgroundColor);
      const below = color && color[3] === 1 ? null : background(el.parentElement);
      if (color && color[3] === 1) result = color;
      else if (below === null) result = null;
      else result = color && color[3] > 0 ? over(color, below) : below;
    }
    backgrounds.set(el, result);
    return result;
  };
  const opacities = new Map();
  const opacity = (el) => {
    if (!el || el.nodeType !== 1) return 1;
    if (!opacities.has(el)) {
      opacities.set(el, parseFloat(getComputedStyle(el).opacity) * opacity(el.parentElement));
    }
    return opacities.get(el);
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const el = text.parentElement;
    if (!el || seen.has(el) || !text.textContent.trim()) continue;
    seen.add(el);
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    // WCAG exempts inactive controls and text that is part of a logo.
    if (el.closest(":disabled, .disabled, [aria-disabled=true], .visually-hidden")) continue;
    const style = getComputedStyle(el);
    const back = background(el);
    if (!back) continue;
    const fore = parse(style.color);
    if (!fore) continue;
    fore[3] *= opacity(el);
    const shown = over(fore, back);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    const value = ratio(shown, back);
    if (value < (large ? 3 : 4.5) - 0.005) {
      low.push({
        text: text.textContent.trim().slice(0, 60),
        ratio: Math.round(value * 100) / 100,
        color: style.color,
        tag: el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : ""),
      });
    }
  }
  const names = [];
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], img[alt]")) {
    for (const attr of ["aria-label", "title", "placeholder", "alt"]) {
      if (el.hasAttribute(attr)) names.push(el.getAttribute(attr));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    text: document.title + "\n" + document.body.innerText + "\n" + names.join("\n"),
    lowContrast: low,
  };
}
