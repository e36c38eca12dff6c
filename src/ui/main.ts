/** The dashboard's entry point (src/ui/index.html loads it as a module; Vite bundles it into dist/ui). */
import './components/app-shell.js';
