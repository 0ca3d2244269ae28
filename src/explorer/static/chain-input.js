// How the reader moves the chain view: toolbar buttons, "jump to fork point"
// buttons (tips table and overview strip), keys, a drag, horizontal scrolling
// and ctrl + scroll to zoom. Each ends in one `move({ low, span, follow })`.
import { MAX_SPAN } from './chain-tree.js';

const DRAG_THRESHOLD_PX = 5;

/** A window that shows fork point `fork` near its left edge and as much of a `len`-block branch as fits MAX_SPAN. */
export function forkWindow(fork, len, span) {
  const fit = len + 8 > span ? Math.min(MAX_SPAN, len + 8) : span;
  return { low: fork - Math.max(2, Math.round(fit * 0.1)), span: fit };
}

/**
 * Wires the inputs of the chain page `main`; returns the function that unwires the document-wide ones.
 * @param {{ move: (next: object, redraw?: boolean) => void, current: () => { low: number, span: number } }} nav
 */
export function wireChainInput(main, view, { move, current }) {
  const pan = (heights) => move({ low: current().low + heights });
  const zoom = (factor) => {
    const { low, span } = current();
    const next = Math.round(span * factor);
    move({ low: low + span / 2 - next / 2, span: next }, true);
  };
  const buttons = {
    'chain-older': () => pan(-Math.ceil(current().span / 2)),
    'chain-newer': () => pan(Math.ceil(current().span / 2)),
    'chain-zoom-in': () => zoom(0.5),
    'chain-zoom-out': () => zoom(2),
    'chain-follow': () => move({ follow: true }, true),
  };
  main.addEventListener('click', (e) => {
    const button = e.target.closest('button');
    if (!button) return;
    if (buttons[button.id]) buttons[button.id]();
    else if (button.classList.contains('jump-fork')) move(forkWindow(Number(button.dataset.fork), Number(button.dataset.len), current().span), true);
  });

  const onKey = (e) => {
    if (e.target.closest?.('input, textarea, select') || e.altKey || e.metaKey || e.ctrlKey) return;
    const step = Math.max(1, Math.ceil(current().span / 4));
    const action = { ArrowLeft: () => pan(-step), ArrowRight: () => pan(step), '+': () => zoom(0.5), '=': () => zoom(0.5), '-': () => zoom(2), End: () => move({ follow: true }, true), Home: () => move({ low: 0 }, true) }[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };
  document.addEventListener('keydown', onKey);

  const area = main.querySelector('#chain-svg');
  let wheelShift = 0;
  area.addEventListener('wheel', (e) => {
    if (e.ctrlKey) {
      e.preventDefault();
      zoom(e.deltaY > 0 ? 1.5 : 1 / 1.5);
      return;
    }
    if (Math.abs(e.deltaX) <= Math.abs(e.deltaY)) return;
    e.preventDefault();
    wheelShift += e.deltaX / view.geo.pitch;
    if (Math.abs(wheelShift) >= 1) {
      pan(Math.trunc(wheelShift));
      wheelShift -= Math.trunc(wheelShift);
    }
  }, { passive: false });

  let drag;
  area.addEventListener('pointerdown', (e) => {
    if (e.button === 0) drag = { x: e.clientX, moved: false };
  });
  area.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > DRAG_THRESHOLD_PX) drag.moved = true;
    if (drag.moved) view.svg.style.translate = `${dx}px 0`;
  });
  const endDrag = (e) => {
    if (!drag) return;
    const { x, moved } = drag;
    drag = undefined;
    view.svg.style.translate = '';
    if (!moved) return;
    // A drag is not a click on the box it started on.
    if (e.type === 'pointerup') area.addEventListener('click', (c) => c.preventDefault(), { capture: true, once: true });
    pan(-Math.round((e.clientX - x) / view.geo.pitch));
  };
  area.addEventListener('pointerup', endDrag);
  area.addEventListener('pointerleave', endDrag);
  return () => document.removeEventListener('keydown', onKey);
}
