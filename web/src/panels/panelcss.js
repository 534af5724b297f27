// Loads panels.css (the stepper, AlexNet and lecture panels' styles) once, as a
// <link> (never an inline <style>: the page's CSP allows style-src 'self' only).
// The ?url import makes Vite emit the file in the build too.
import cssUrl from './panels.css?url';

let loaded = false;

export function loadPanelCss() {
  if (loaded || typeof document === 'undefined') return;
  loaded = true;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = cssUrl;
  link.dataset.owner = 'panels';
  document.head.append(link);
}

/**
 * Scrolls to the section id and focuses it, without touching the URL hash (the
 * hash is the state: a "#section" hash would reset it).
 */
export function goToSection(id) {
  const target = document.getElementById(id);
  if (!target) return false;
  target.scrollIntoView({ behavior: 'smooth', block: 'start' });
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
  return true;
}

const NAV_ORDER = ['stepper', 'alexnet', 'code-panel', 'lecture'];

/** A link to section id in the page's header navigation (#nav), once. */
export function addNavLink(id, text) {
  const nav = document.getElementById('nav');
  if (!nav || nav.querySelector(`a[data-section="${id}"]`)) return;
  const a = document.createElement('a');
  a.href = `#${id}`;
  a.textContent = text;
  a.dataset.section = id;
  a.addEventListener('click', (e) => { if (goToSection(id)) e.preventDefault(); });
  const rank = NAV_ORDER.indexOf(id);
  const after = [...nav.querySelectorAll('a[data-section]')].find((x) => NAV_ORDER.indexOf(x.dataset.section) > rank);
  nav.insertBefore(a, after ?? null);
}
