// convplay's version (package.json's), set by the build (web/vite.config.js
// puts it in import.meta.env); 'dev' where no build ran (Node tests of plain
// modules).
export const VERSION = import.meta.env?.VITE_CONVPLAY_VERSION ?? 'dev';
