// Builds DOM nodes. Text is always set with textContent, never parsed as HTML, so whatever a
// vendor sent (a payload holding <script> or <img onerror>) is shown as text.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// Replaces a node's children; null, undefined and false children are left out.
export function put(node, ...children) {
  clear(node);
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function announce(message) {
  const status = document.getElementById('status');
  status.textContent = '';
  status.textContent = message;
}

// Text that may wrap after each of `after`'s characters (a <wbr> element there), nowhere else.
export function wrappable(value, after) {
  const node = el('span');
  let part = '';
  for (const c of String(value)) {
    part += c;
    if (after.includes(c)) {
      node.append(part, el('wbr'));
      part = '';
    }
  }
  node.append(part);
  return node;
}

// An RFC 3339 time that may wrap between its date and its time of day.
export function timeText(value) {
  return typeof value === 'string' && value.includes('T') ? wrappable(value, 'T') : String(value ?? '—');
}

// A table from column specs {label, value(row), num, time, long}; `rowClass(row)` marks a row.
// `time` lets a time wrap after its date; `long` lets free text (errors, codes) break anywhere.
export function table(caption, columns, rows, rowClass) {
  const cellClass = (c) => (c.num ? 'num' : c.long ? 'long' : '');
  const head = el('tr', {}, columns.map((c) => el('th', { scope: 'col', className: c.num ? 'num' : '' }, c.label)));
  const body = rows.map((row) => el('tr', { className: rowClass ? rowClass(row) : '' },
    columns.map((c) => {
      const v = c.value(row);
      const shown = c.time && v ? timeText(v) : v;
      return el('td', { className: cellClass(c) }, shown instanceof Node ? shown : String(shown ?? ''));
    })));
  return scrollRegion(caption,
    el('table', {}, el('caption', { className: 'visually-hidden' }, caption), el('thead', {}, head), el('tbody', {}, body)));
}

// A region that scrolls sideways at narrow widths, reachable by keyboard to scroll it.
export function scrollRegion(label, ...children) {
  return el('div', { className: 'scroll', tabindex: '0', role: 'region', 'aria-label': label }, ...children);
}

export function problemText(error) {
  const p = error && error.problem;
  if (p && typeof p === 'object') return `${p.title || 'Error'}: ${p.detail || ''}`.trim();
  return String(error && error.message ? error.message : error);
}
