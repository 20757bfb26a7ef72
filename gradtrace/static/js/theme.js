// theme.js: the theme toggle. Auto (the system's light or dark), light or dark, remembered in
// localStorage so the next visit opens as the reader left it; works offline (no request).
//
// The CSS variables carry both themes (css/app.css): `data-theme` on <html> picks one, its
// absence follows prefers-color-scheme. The graph's colours are read from those variables,
// so the renderer restyles on `theme:changed`.

const KEY = 'gradtrace-theme';
const ORDER = ['auto', 'light', 'dark'];

/** The stored choice; 'auto' when none or when storage is refused (a sandboxed frame). */
function stored() {
  try {
    const v = localStorage.getItem(KEY);
    return ORDER.includes(v) ? v : 'auto';
  } catch {
    return 'auto';
  }
}

function store(theme) {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // a sandboxed frame (the notebook display) may refuse storage: the choice lasts this visit
  }
}

export class ThemeToggle {
  constructor(button, bus) {
    this.button = button;
    this.bus = bus;
    this.apply(stored());
    button.addEventListener('click', () => {
      const next = ORDER[(ORDER.indexOf(this.theme) + 1) % ORDER.length];
      this.apply(next);
      store(next);
      this.bus.emit('theme:changed', { theme: next });
    });
  }

  /** Show `theme` ('auto' follows the system) and say it on the button. */
  apply(theme) {
    this.theme = theme;
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    this.button.textContent = `Theme: ${theme}`;
    this.button.title = theme === 'auto'
      ? 'Colours follow the system (light or dark); click for light'
      : `Colours: ${theme}; click for ${ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length]}`;
  }
}
