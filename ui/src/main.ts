import { mount } from 'svelte';
import App from './App.svelte';
import Quick from './Quick.svelte';
import { app } from './lib/state.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('the #app element is missing from index.html');

// The first answers are asked for before anything is drawn, and the window is drawn once
// they are in: one layout of the whole first screen instead of the empty shell and then its
// rows. A vault slow to answer still gets its window (and its loading state) within 400 ms.
// The marks time the start-up for a profile (performance.getEntriesByType('mark')).
performance.mark('keydeck:script');
// The quick access palette is this page with `#quick` (src-tauri/src/quick.rs).
export default location.hash === '#quick'
  ? Promise.resolve(mount(Quick, { target }))
  : Promise.race([app.start(), new Promise((shown) => setTimeout(shown, 400))]).then(() => {
      performance.mark('keydeck:answers');
      const mounted = mount(App, { target });
      performance.mark('keydeck:mounted');
      return mounted;
    });
